package io.hub.sip.transport;

import io.hub.sip.WebPortLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web port's watch over its TCP connections, before and after they become SIP flows: a cap per
 * source (an IPv4 address or an IPv6 /64, as the TLS ports count them) and one in all, each refusing
 * the connection beyond it at once; a deadline for the TLS handshake and WebSocket upgrade together;
 * and a deadline for a WebSocket on which no phone has registered, as {@link WebPortLimits} sets them.
 * The TLS ports keep the same rules in their own transport ({@link SipServer.Limits}); on the web port
 * Jetty's idle timeout alone would let a squatter that sends a byte now and then hold its slot
 * forever. Registered WebSockets are held to no deadline here (their flow's pings and the
 * registrar's expiry look after them).
 *
 * <p>Added to the web port's connector as a {@link Connection.Listener} (by
 * {@code SipService.webSocketHandler}); told of upgrades and
 * registrations by {@link WebSocketFlow}. Refusals are counted in {@code hub.web.refused} by
 * {@link Refusal}. Deadlines are measured with the injected {@link Clock} and checked by
 * {@link #sweep} every half second; tests call it themselves after moving their clock.
 */
public final class WebPortGuard extends AbstractLifeCycle implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(WebPortGuard.class);
    private static final long SWEEP_MILLIS = 500;

    /** Why the web port closed a connection: the {@code reason} tag of {@code hub.web.refused}. */
    public enum Refusal {
        /** Its source held its cap of open connections. */
        PER_SOURCE,
        /** The port held its cap of open connections. */
        CONNECTIONS,
        /** TLS and the WebSocket upgrade were not done within the handshake deadline. */
        HANDSHAKE_TIMEOUT,
        /** No phone registered on the WebSocket within the register deadline. */
        REGISTER_DEADLINE;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Where one connection is: handshaking, a WebSocket without a registration, or registered. */
    private enum Phase { HANDSHAKE, UNREGISTERED, REGISTERED, CLOSING }

    private static final class Tracked {
        final EndPoint endPoint;
        final Object source;
        final long openedAt;
        volatile Phase phase = Phase.HANDSHAKE;
        volatile Runnable closeWebSocket;

        Tracked(EndPoint endPoint, Object source, long openedAt) {
            this.endPoint = endPoint;
            this.source = source;
            this.openedAt = openedAt;
        }
    }

    private final WebPortLimits limits;
    private final Clock clock;
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Map<InetSocketAddress, Tracked> open = new ConcurrentHashMap<>();
    /** Each tracked socket's remote address: a closed socket no longer tells it. */
    private final Map<EndPoint, InetSocketAddress> remotes = new ConcurrentHashMap<>();
    private final Map<Object, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private ScheduledExecutorService sweeper;

    public WebPortGuard(WebPortLimits limits, Clock clock, MeterRegistry metrics) {
        this.limits = limits;
        this.clock = clock;
        for (Refusal reason : Refusal.values()) {
            refused.put(reason, Counter.builder("hub.web.refused")
                    .description("Web port connections closed by its caps and deadlines, by reason")
                    .tag("reason", reason.tag()).register(metrics));
        }
    }

    public WebPortLimits limits() {
        return limits;
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint instanceof SslConnection.SslEndPoint || !(endPoint.getRemoteSocketAddress()
                instanceof InetSocketAddress remote) || open.containsKey(remote)) {
            // The HTTP or WebSocket connection inside TLS, or one that replaced another on its socket
            // (the upgrade): the socket is counted once, by the first connection opened on it.
            return;
        }
        Object source = DensityGuard.key(remote.getAddress());
        Refusal refusal = null;
        if (total.incrementAndGet() > limits.maxConnections()) {
            refusal = Refusal.CONNECTIONS;
        } else if (perSource.compute(source, (key, count) -> {
            AtomicInteger value = count != null ? count : new AtomicInteger();
            value.incrementAndGet();
            return value;
        }).get() > limits.connectionsPerSource()) {
            refusal = Refusal.PER_SOURCE;
        }
        if (refusal != null) {
            // Counted out here: Jetty may not tell onClosed of a connection closed while it opens.
            total.decrementAndGet();
            if (refusal == Refusal.PER_SOURCE) {
                release(source);
            }
            refuse(refusal, remote);
            endPoint.close();
            return;
        }
        remotes.put(endPoint, remote);
        open.put(remote, new Tracked(endPoint, source, clock.millis()));
    }

    @Override
    public void onClosed(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint.isOpen()) {
            return; // replaced by an upgrade, the socket goes on
        }
        InetSocketAddress remote = remotes.remove(endPoint);
        if (remote == null) {
            return;
        }
        Tracked tracked = open.get(remote);
        if (tracked != null && tracked.endPoint == endPoint && open.remove(remote, tracked)) {
            total.decrementAndGet();
            release(tracked.source);
        }
    }

    /**
     * The connection from {@code remote} is a WebSocket now: its handshake deadline is met, its register
     * deadline runs on; {@code close} closes the WebSocket when that one passes.
     */
    void upgraded(InetSocketAddress remote, Runnable close) {
        Tracked tracked = open.get(remote);
        if (tracked != null && tracked.phase == Phase.HANDSHAKE) {
            tracked.closeWebSocket = close;
            tracked.phase = Phase.UNREGISTERED;
        }
    }

    /** A phone registered on the WebSocket from {@code remote}: no deadline holds it any more. */
    void registered(InetSocketAddress remote) {
        Tracked tracked = open.get(remote);
        if (tracked != null && tracked.phase == Phase.UNREGISTERED) {
            tracked.phase = Phase.REGISTERED;
        }
    }

    /** Open connections from {@code source}'s address (or IPv6 /64). */
    public int openFrom(InetAddress source) {
        AtomicInteger count = perSource.get(DensityGuard.key(source));
        return count == null ? 0 : count.get();
    }

    /** Whether the connection from {@code remote} has become a WebSocket (registered or not). */
    public boolean upgradedFrom(InetSocketAddress remote) {
        Tracked tracked = open.get(remote);
        return tracked != null && tracked.phase != Phase.HANDSHAKE;
    }

    /** Closes the connections whose deadline passed as of the clock's time now. */
    public void sweep() {
        long now = clock.millis();
        open.forEach((remote, tracked) -> {
            Phase phase = tracked.phase;
            if (phase == Phase.HANDSHAKE && now - tracked.openedAt > limits.handshakeDeadline().toMillis()) {
                tracked.phase = Phase.CLOSING;
                refuse(Refusal.HANDSHAKE_TIMEOUT, remote);
                tracked.endPoint.close();
            } else if (phase == Phase.UNREGISTERED && now - tracked.openedAt > limits.registerDeadline().toMillis()) {
                tracked.phase = Phase.CLOSING;
                refuse(Refusal.REGISTER_DEADLINE, remote);
                tracked.closeWebSocket.run();
            }
        });
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "web-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.error("web port deadline sweep failed", e);
            }
        }, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
    }

    private void release(Object source) {
        perSource.computeIfPresent(source, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void refuse(Refusal reason, SocketAddress remote) {
        refused.get(reason).increment();
        LOG.info("web port closed the connection from {}: {}", remote, reason.tag());
    }
}
