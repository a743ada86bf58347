package io.hub.app.node;

import io.hub.provisioning.HubNode;
import io.hub.provisioning.NodeTable;
import io.hub.provisioning.Provisioning;
import io.hub.sip.NodeDirectory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The other nodes' SIP-TLS addresses for SIP, from the node table their heartbeats write: a node
 * that is gone, or whose row names no address, is not reached.
 */
public final class ClusterDirectory implements NodeDirectory {

    private final NodeTable nodes;
    private final Clock clock;

    public ClusterDirectory(NodeTable nodes, Clock clock) {
        this.nodes = nodes;
        this.clock = clock;
    }

    @Override
    public Optional<InetSocketAddress> sipAddress(String node) {
        try {
            return nodes.list().stream()
                    .filter(row -> row.name().equals(node) && row.state(clock.instant()).equals("up"))
                    .map(HubNode::sipAddress)
                    .filter(address -> address != null)
                    .findFirst()
                    .flatMap(ClusterDirectory::parse);
        } catch (Provisioning.StorageRefused e) {
            return Optional.empty();
        }
    }

    /** {@code host:port} or {@code [v6]:port} as an address; empty when it is neither. */
    static Optional<InetSocketAddress> parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return Optional.empty();
        }
        String host = address.substring(0, colon).replaceFirst("^\\[(.*)]$", "$1");
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return Optional.empty();
            }
            return Optional.of(new InetSocketAddress(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** This node's address as its heartbeat writes it. */
    public static String format(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
