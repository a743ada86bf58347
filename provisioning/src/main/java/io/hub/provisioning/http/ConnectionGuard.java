package io.hub.provisioning.http;

import io.hub.provisioning.HttpLimits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the TLS connections of one port: closes a connection beyond {@link
 * HttpLimits#connectionsPerSource()} of its source or beyond {@link HttpLimits#handshakesInFlight()}
 * of the port at once, and a connection that has not completed its next request's headers within
 * {@link HttpLimits#headerTimeout()} of opening or of its last answer.
 *
 * <p>Jetty's idle timeout restarts on every byte, so on its own it lets a client hold a connection
 * forever with one header byte now and then; this deadline does not move until a request reaches a
 * handler ({@link #requestBegun}). Refusals are counted in {@code hub.http.connections.refused}.
 *
 * <p>The handshake cap, when set, bounds how long an admitted phone's handshake waits when the cores
 * are full: a phone over it costs an accept, no TLS work, and backs off. The gauge {@code
 * hub.http.handshakes.in.flight} shows the queue either way.
 */
public final class ConnectionGuard extends AbstractLifeCycle implements Connection.Listener, SslHandshakeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 500;

    private final String port;
    private final HttpLimits limits;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final Set<SSLEngine> handshaking = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService sweeper;

    public ConnectionGuard(String port, HttpLimits limits, Clock clock, MeterRegistry metrics) {
        this.port = port;
        this.limits = limits;
        this.clock = clock;
        this.metrics = metrics;
        Gauge.builder("hub.http.handshakes.in.flight", handshaking, Set::size)
                .description("TLS handshakes under way, by port; beyond httpHandshakesInFlight (when set) a new "
                        + "connection is closed")
                .tags("port", port).register(metrics);
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof SslConnection)) {
            return; // the HTTP connection inside the TLS one is watched through the TLS one
        }
        String source = SourceKey.of(connection.getEndPoint().getRemoteSocketAddress());
        AtomicInteger count = perSource.compute(source, (key, current) -> {
            AtomicInteger value = current != null ? current : new AtomicInteger();
            value.incrementAndGet();
            return value;
        });
        String refusal = count.get() > limits.connectionsPerSource() ? "per-source"
                : limits.handshakesInFlight() > 0 && handshaking.size() >= limits.handshakesInFlight() ? "handshakes"
                : null;
        if (refusal != null) {
            // Counted out here rather than in onClosed, which Jetty may not call for a connection
            // closed while it opens.
            release(source);
            refused(refusal, source);
            connection.getEndPoint().close();
            return;
        }
        open.put(connection, new Tracked(source, deadline()));
        handshaking.add(((SslConnection) connection).getSSLEngine());
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked tracked = open.remove(connection);
        if (tracked != null) {
            release(tracked.source);
            handshaking.remove(((SslConnection) connection).getSSLEngine());
        }
    }

    @Override
    public void handshakeSucceeded(Event event) {
        handshaking.remove(event.getSSLEngine());
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        handshaking.remove(event.getSSLEngine());
    }

    private void release(String source) {
        perSource.computeIfPresent(source, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** A request's headers are complete: no deadline until its answer is done. */
    public void requestBegun(Request request) {
        Tracked tracked = tracked(request);
        if (tracked != null) {
            tracked.deadline = Long.MAX_VALUE;
        }
    }

    /** A request's answer is done: the next request's headers are due within the header timeout. */
    public void requestEnded(Request request) {
        Tracked tracked = tracked(request);
        if (tracked != null) {
            tracked.deadline = deadline();
        }
    }

    /** Open TLS connections from {@code source} (a {@link SourceKey}). */
    public int openFrom(String source) {
        AtomicInteger count = perSource.get(source);
        return count == null ? 0 : count.get();
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, port + "-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
    }

    void sweep() {
        long now = clock.millis();
        open.forEach((connection, tracked) -> {
            if (tracked.deadline < now) {
                tracked.deadline = Long.MAX_VALUE;
                refused("header-timeout", tracked.source);
                connection.getEndPoint().close();
            }
        });
    }

    private Tracked tracked(Request request) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        return endPoint instanceof SslConnection.SslEndPoint ssl ? open.get(ssl.getSslConnection()) : null;
    }

    private long deadline() {
        return clock.millis() + limits.headerTimeout().toMillis();
    }

    private void refused(String reason, String source) {
        io.micrometer.core.instrument.Counter.builder("hub.http.connections.refused")
                .description("HTTPS connections closed by the connection guard, by port and reason")
                .tags("port", port, "reason", reason).register(metrics).increment();
        LOG.debug("{} closed a connection from {}: {}", port, source, reason);
    }

    private static final class Tracked {
        final String source;
        volatile long deadline;

        Tracked(String source, long deadline) {
            this.source = source;
            this.deadline = deadline;
        }
    }
}
