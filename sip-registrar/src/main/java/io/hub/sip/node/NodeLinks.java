package io.hub.sip.node;

import io.hub.pki.log.LogText;
import io.hub.sip.NodeDirectory;
import io.hub.sip.call.RemoteCallees;
import io.hub.sip.transport.Flow;
import io.hub.sip.transport.SipServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's links to the other nodes of the cluster, one SIP-TLS connection per node opened when a
 * call first needs it and kept while it stays up, and the callee's phones on other nodes reached
 * down them ({@link RemoteCallees}). A node that cannot be reached rings nothing (its phones count as
 * unreachable, as a phone whose flow dropped does).
 */
public final class NodeLinks implements RemoteCallees, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final SipServer server;
    private final BindingsElsewhere bindings;
    private final NodeDirectory directory;
    private final SSLContext tls;
    private final Clock clock;
    private final Map<String, Flow> links = new ConcurrentHashMap<>();

    /**
     * @param self this node's name (its own rows are not elsewhere)
     * @param tls this node's certificate as the client's and the hub CA as the only anchor
     */
    public NodeLinks(SipServer server, javax.sql.DataSource database, String self, NodeDirectory directory,
            SSLContext tls, Clock clock) {
        this.server = server;
        this.bindings = new BindingsElsewhere(database, self);
        this.directory = directory;
        this.tls = tls;
        this.clock = clock;
    }

    @Override
    public List<Reach> reach(String aor) {
        List<BindingsElsewhere.Elsewhere> found;
        try {
            found = bindings.of(aor, clock.instant());
        } catch (IllegalStateException e) {
            LOG.warn("sip call to {}: other nodes' bindings not read: {}", LogText.of(aor), LogText.of(e.getMessage()));
            return List.of();
        }
        List<Reach> reach = new ArrayList<>();
        for (BindingsElsewhere.Elsewhere binding : found) {
            Optional<InetSocketAddress> address = directory.sipAddress(binding.node());
            if (address.isEmpty()) {
                continue;
            }
            Optional<Flow> link = link(binding.node(), address.get());
            if (link.isPresent()) {
                String route = "Route: <sip:" + new FlowToken(aor, binding.contactUri()).encode() + "@"
                        + hostPort(address.get()) + ";transport=tls;lr>";
                reach.add(new Reach(binding.contactUri(), link.get(), route));
            }
        }
        return reach;
    }

    /** The open link to {@code node}, opened now when there is none. */
    private Optional<Flow> link(String node, InetSocketAddress address) {
        Flow open = links.get(node);
        if (open != null && open.isOpen()) {
            return Optional.of(open);
        }
        synchronized (this) {
            open = links.get(node);
            if (open != null && open.isOpen()) {
                return Optional.of(open);
            }
            try {
                Flow flow = server.connectNode(address, tls, CONNECT_TIMEOUT);
                links.put(node, flow);
                LOG.info("sip node link to {} at {} open", LogText.of(node), address);
                return Optional.of(flow);
            } catch (IOException | RuntimeException e) {
                LOG.warn("sip node {} at {} not reached: {}", LogText.of(node), address,
                        LogText.of(String.valueOf(e.getMessage())));
                return Optional.empty();
            }
        }
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Closes every link: the calls on them end as their flows close. */
    @Override
    public void close() {
        for (Flow flow : links.values()) {
            flow.close();
        }
        links.clear();
    }
}
