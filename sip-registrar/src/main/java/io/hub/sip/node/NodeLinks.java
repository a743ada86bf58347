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
    /** Links left open after a renewal this long (by the injected clock) for the calls on them. */
    static final Duration RETIRED_LINK_DRAIN = Duration.ofHours(1);

    private volatile SSLContext tls;
    private final Clock clock;
    private final Map<String, Flow> links = new ConcurrentHashMap<>();
    /** Links opened with a context since replaced, with when they were retired; no new call uses them. */
    private final Map<Flow, java.time.Instant> retired = new ConcurrentHashMap<>();

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

    /**
     * The node certificate was renewed: links opened from now on present the new one. The links open
     * now are retired: no new call goes down them, the calls on them carry on, and they close once
     * {@link #RETIRED_LINK_DRAIN} has passed (or sooner, when the other node closes them).
     */
    public void replaceTls(SSLContext fresh) {
        synchronized (this) {
            tls = fresh;
            java.time.Instant now = clock.instant();
            for (Map.Entry<String, Flow> link : links.entrySet()) {
                retired.put(link.getValue(), now);
                LOG.info("sip node link to {} retired: the node certificate was renewed", LogText.of(link.getKey()));
            }
            links.clear();
        }
    }

    /** Closes the retired links whose drain time has passed; called with every call's look-up. */
    void closeDrained() {
        java.time.Instant now = clock.instant();
        retired.entrySet().removeIf(entry -> {
            if (!entry.getKey().isOpen()) {
                return true;
            }
            if (now.isBefore(entry.getValue().plus(RETIRED_LINK_DRAIN))) {
                return false;
            }
            LOG.info("sip node link {} closed: retired at renewal {} ago", entry.getKey(), RETIRED_LINK_DRAIN);
            entry.getKey().close();
            return true;
        });
    }

    /** Links retired by a renewal and still open. */
    public int retiredLinks() {
        closeDrained();
        return retired.size();
    }

    @Override
    public List<Reach> reach(String aor) {
        closeDrained();
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
        for (Flow flow : retired.keySet()) {
            flow.close();
        }
        retired.clear();
    }
}
