package io.hub.sip.transport;

import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.DeviceValidation;
import io.hub.pki.ServerTls;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for phones' SIP connections over TLS (and, for testers, plain TCP) and serves them all
 * from a few selector threads ({@link SelectorLoop}) with {@link SSLEngine}s, so an idle phone
 * costs a socket and a few kilobytes, not a thread. Each connection is a {@link Flow}: framed by
 * {@link SipFraming}, keepalive pings answered with a pong on the selector thread, messages parsed
 * and handed to the {@link SipHandler} on a worker pool, in order per flow, so a slow handler holds
 * up its own flow and no other.
 *
 * <p>The handshake has a deadline; a client certificate is wanted, let through, and judged by the
 * PKI's validator at every REGISTER (a verdict is reused a few seconds at most). TLS 1.2
 * renegotiation is refused. A phone must register within the register deadline (pings do not
 * extend it), and one source holds a bounded number of connections nobody registered on: beyond
 * it, its oldest gives way. A connection silent past
 * its flow's idle timeout is closed, as is one that takes too long over a message or does not read
 * what it is sent. Malformed messages are answered 400 when they can be, dropped otherwise; a
 * connection that keeps sending them, or breaks the framing, is closed. Every refusal is counted in
 * {@code hub.sip.refused{reason}}. Nothing a peer sends stops the server.
 */
public final class SipServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    private static final int PLAIN_BUFFER = 32 * 1024;
    /** How long JAIN-SIP may take over one message before it is refused (it takes microseconds). */
    static final long PARSE_LIMIT_MILLIS = 1_000;

    /**
     * @param handshakeTimeout how long a client may take to finish the TLS handshake
     * @param defaultIdleTimeout how long a flow may stay silent before a phone registers on it
     * @param maxConnections connections beyond this are closed at once
     * @param density requests (and new connections) per source address and window, flows of
     *     registered phones not counted; high enough that an office of phones behind one NAT can
     *     boot together (each needs a connection and two REGISTERs), low enough to stop a flood
     * @param densityWindow the window of {@code density}
     * @param messageTimeout how long a message may take to arrive once begun (a peer sending a byte
     *     now and then holds a connection no longer than this)
     * @param maxUnsentBytes output queued for a flow beyond what its socket takes; a peer that lets
     *     more pile up does not read, and is dropped
     * @param unregisteredPerSource connections no phone has registered on yet, handshakes included,
     *     that one IPv4 address or IPv6 /64 may hold; one more makes the oldest give way
     * @param registerDeadline how long a connection may stay open without a phone registering on it,
     *     whatever it sends meanwhile (keepalive pings do not extend it)
     * @param flowDensity requests per {@code densityWindow} that one registered phone's flow may send
     *     (it is not counted against its source); beyond it they are answered 503 unparsed, and a flow
     *     {@value MessageDispatcher#CLOSE_AT_BUDGETS} times over it within a window is closed
     */
    public record Limits(Duration handshakeTimeout, Duration defaultIdleTimeout, int maxConnections, int density,
            Duration densityWindow, Duration messageTimeout, int maxUnsentBytes, int unregisteredPerSource,
            Duration registerDeadline, int flowDensity) {

        public static final int DEFAULT_UNREGISTERED_PER_SOURCE = 50;
        public static final Duration DEFAULT_REGISTER_DEADLINE = Duration.ofSeconds(60);
        /** 100 requests a second on average: far above what a phone sends, even booting with every line. */
        public static final int DEFAULT_FLOW_DENSITY = 200;
        /** Enough for 50,000 held phones with room for the ones reconnecting while their old flow closes. */
        public static final int DEFAULT_MAX_CONNECTIONS = 60_000;

        public Limits {
            if (unregisteredPerSource < 1) {
                throw new IllegalArgumentException("unregisteredPerSource must be at least 1: " + unregisteredPerSource);
            }
            if (registerDeadline.isNegative() || registerDeadline.isZero()) {
                throw new IllegalArgumentException("registerDeadline must be positive: " + registerDeadline);
            }
            if (flowDensity < 1) {
                throw new IllegalArgumentException("flowDensity must be at least 1: " + flowDensity);
            }
        }

        public Limits(Duration handshakeTimeout, Duration defaultIdleTimeout, int maxConnections, int density,
                Duration densityWindow, Duration messageTimeout, int maxUnsentBytes, int unregisteredPerSource,
                Duration registerDeadline) {
            this(handshakeTimeout, defaultIdleTimeout, maxConnections, density, densityWindow, messageTimeout,
                    maxUnsentBytes, unregisteredPerSource, registerDeadline, DEFAULT_FLOW_DENSITY);
        }

        public Limits(Duration handshakeTimeout, Duration defaultIdleTimeout, int maxConnections, int density,
                Duration densityWindow, Duration messageTimeout, int maxUnsentBytes) {
            this(handshakeTimeout, defaultIdleTimeout, maxConnections, density, densityWindow, messageTimeout,
                    maxUnsentBytes, DEFAULT_UNREGISTERED_PER_SOURCE, DEFAULT_REGISTER_DEADLINE);
        }

        public Limits(Duration handshakeTimeout, Duration defaultIdleTimeout, int maxConnections, int density,
                Duration densityWindow) {
            this(handshakeTimeout, defaultIdleTimeout, maxConnections, density, densityWindow,
                    Duration.ofSeconds(20), 256 * 1024);
        }

        /** These limits with another per-source cap of unregistered connections and register deadline. */
        public Limits unregistered(int perSource, Duration deadline) {
            return new Limits(handshakeTimeout, defaultIdleTimeout, maxConnections, density, densityWindow,
                    messageTimeout, maxUnsentBytes, perSource, deadline, flowDensity);
        }

        /** These limits with another request budget per registered flow. */
        public Limits flowDensity(int perWindow) {
            return new Limits(handshakeTimeout, defaultIdleTimeout, maxConnections, density, densityWindow,
                    messageTimeout, maxUnsentBytes, unregisteredPerSource, registerDeadline, perWindow);
        }

        /** These limits with another cap on open connections. */
        public Limits maxConnections(int open) {
            return new Limits(handshakeTimeout, defaultIdleTimeout, open, density, densityWindow, messageTimeout,
                    maxUnsentBytes, unregisteredPerSource, registerDeadline, flowDensity);
        }

        public static Limits standard() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_MAX_CONNECTIONS, 400,
                    Duration.ofSeconds(2));
        }
    }

    /** Where connections are accepted: the transport name, and the TLS context and parameters, or null. */
    record Endpoint(String transport, SSLContext tls, SSLParameters parameters, int netBufferSize) {

        SSLEngine newEngine() {
            SSLEngine engine = tls.createSSLEngine();
            engine.setUseClientMode(false);
            engine.setSSLParameters(parameters);
            io.hub.pki.TlsProvider.prepareServerEngine(engine);
            return engine;
        }
    }

    private final SipHandler handler;
    private final DeviceCertificateValidator validator;
    private final Clock clock;
    private final Limits limits;
    private final SelectorLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final ThreadPoolExecutor workers;
    private final ExecutorService tlsTasks;
    private final BoundedParser parser;
    private final MessageDispatcher dispatcher;
    private final RefusalCounters refusals;
    private final io.micrometer.core.instrument.Counter keepalives;
    private final Semaphore slots;
    private final DensityGuard density;
    private final UnregisteredConnections unregistered;
    private final AtomicInteger open = new AtomicInteger();
    private final List<ServerSocketChannel> listeners = new CopyOnWriteArrayList<>();
    /** What new TLS connections are accepted with; replaced when the server certificate is renewed. */
    private final java.util.concurrent.atomic.AtomicReference<Endpoint> tlsEndpoint =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final ThreadLocal<ByteBuffer> wrapBuffers = new ThreadLocal<>();
    private volatile boolean closed;

    public SipServer(SipHandler handler, DeviceCertificateValidator validator, Clock clock, Limits limits,
            MeterRegistry metrics) {
        this(handler, validator, clock, limits, metrics, new RememberingParser(metrics));
    }

    /** With another parser: tests stand in one that misbehaves. */
    SipServer(SipHandler handler, DeviceCertificateValidator validator, Clock clock, Limits limits,
            MeterRegistry metrics, MessageParser messageParser) {
        this.handler = handler;
        this.validator = validator;
        this.clock = clock;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.density = new DensityGuard(limits.density(), limits.densityWindow(), clock);
        GuardGauges.register(metrics, "requests-per-source", density, DensityGuard::sources);
        this.unregistered = new UnregisteredConnections(limits.unregisteredPerSource());
        this.refusals = new RefusalCounters(metrics);
        this.keepalives = io.micrometer.core.instrument.Counter.builder("hub.sip.keepalives")
                .description("RFC 5626 keepalives (CRLF pings) received from phones").register(metrics);
        int cores = Runtime.getRuntime().availableProcessors();
        // Handlers may wait on the database, so there are more workers than cores.
        int workerCount = Math.max(8, 4 * cores);
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemon("sip-worker"));
        this.parser = new BoundedParser(messageParser, PARSE_LIMIT_MILLIS, new StandInWorkers(workers));
        this.dispatcher = new MessageDispatcher(handler, density, parser, refusals, limits.flowDensity(),
                limits.densityWindow(), clock);
        this.tlsTasks = Executors.newFixedThreadPool(cores, daemon("sip-tls"));
        io.micrometer.core.instrument.Gauge.builder("hub.sip.connections", open, AtomicInteger::get)
                .description("SIP-TLS connections open now").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.sip.parses.stuck", parser, BoundedParser::stuck)
                .description("SIP parses given up on that still hold a thread (past " + BoundedParser.MAX_STUCK
                        + ", messages are refused unparsed)").register(metrics);
        this.loops = new SelectorLoop[Math.max(1, Math.min(4, cores))];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new SelectorLoop("sip-selector-" + i);
            }
        } catch (IOException e) {
            close();
            throw new IllegalStateException("cannot open a selector: " + e.getMessage(), e);
        }
    }

    /** Starts listening for SIP over TLS; returns the bound port (useful with port 0). */
    public int listenTls(InetAddress bind, int port, SSLContext tls) throws IOException {
        tlsEndpoint.set(tlsEndpoint(tls));
        return listen(bind, port, tlsEndpoint::get, "TLS");
    }

    /**
     * Accepts new TLS connections with {@code tls} from now on (a renewed server certificate);
     * connections open already keep the session they negotiated.
     *
     * @throws IllegalStateException when no TLS listener was started
     */
    public void replaceTls(SSLContext tls) {
        Endpoint replaced = tlsEndpoint.getAndUpdate(current -> current == null ? null : tlsEndpoint(tls));
        if (replaced == null) {
            throw new IllegalStateException("no SIP-TLS listener to give a new certificate");
        }
        LOG.info("sip tls context replaced; new connections use it");
    }

    private static Endpoint tlsEndpoint(SSLContext tls) {
        SSLParameters parameters = ServerTls.parameters(tls, true);
        SSLEngine probe = tls.createSSLEngine();
        int packet = probe.getSession().getPacketBufferSize();
        ServerTls.free(probe);
        // Room for a partial record kept from the last read plus a whole new one.
        return new Endpoint("TLS", tls, parameters, 2 * packet);
    }

    /**
     * Opens a SIP-TLS connection to another node of the cluster at {@code address}: a {@link Flow}
     * marked {@link Flow#nodePeer()} whose messages come to this server's handler like a phone's.
     *
     * @param tls this node's certificate as the client's and the hub CA as the only anchor
     * @throws IOException when the node cannot be reached in {@code timeout} or the handshake fails
     */
    public Flow connectNode(InetSocketAddress address, SSLContext tls, Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("the SIP server is closed");
        }
        return NodeLink.open(this, address, tls, timeout);
    }

    /** Starts listening for plain SIP over TCP (testers only); returns the bound port. */
    public int listenTcp(InetAddress bind, int port) throws IOException {
        Endpoint plain = new Endpoint("TCP", null, null, PLAIN_BUFFER);
        return listen(bind, port, () -> plain, "TCP");
    }

    private int listen(InetAddress bind, int port, java.util.function.Supplier<Endpoint> endpoints, String transport)
            throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(bind, port), 1024);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        listeners.add(listener);
        Thread acceptor = new Thread(() -> accept(listener, endpoints),
                "sip-accept-" + transport.toLowerCase(java.util.Locale.ROOT));
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("sip listening transport={} address={}", transport, listener.getLocalAddress());
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void accept(ServerSocketChannel listener, java.util.function.Supplier<Endpoint> endpoints) {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Endpoint endpoint = endpoints.get();
                // Out of file descriptors, most likely: wait a moment rather than spin.
                LOG.warn("sip accept failed transport={}: {}", endpoint.transport(), e.getMessage());
                pause();
                continue;
            }
            // Read once the connection is there: a context replaced while accept() waited applies to it.
            Endpoint endpoint = endpoints.get();
            try {
                InetAddress source = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
                if (!density.allow(source)) {
                    LOG.debug("sip connection refused from {}: over the request density", source);
                    refused(RefusalReason.DENSITY);
                    channel.close();
                    continue;
                }
                if (!slots.tryAcquire()) {
                    LOG.warn("sip connection refused from {}: {} connections open", source, limits.maxConnections());
                    refused(RefusalReason.CONNECTIONS);
                    channel.close();
                    continue;
                }
                open.incrementAndGet();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectorLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
                Connection connection = new Connection(this, loop, channel, endpoint, millis());
                Connection givesWay = unregistered.admit(source, connection);
                if (givesWay != null) {
                    LOG.debug("sip {} closed: {} unregistered connections from its source, the oldest gives way",
                            givesWay, limits.unregisteredPerSource());
                    givesWay.close("the oldest of " + limits.unregisteredPerSource()
                            + " unregistered connections from its source", RefusalReason.UNREGISTERED_CAP);
                }
                loop.execute(connection::register);
            } catch (IOException e) {
                LOG.debug("sip connection lost while accepted: {}", e.getMessage());
                quietly(channel);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- what connections share

    SipHandler handler() {
        return handler;
    }

    MessageDispatcher dispatcher() {
        return dispatcher;
    }

    Limits limits() {
        return limits;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Monotonic milliseconds for the transport's deadlines. Not the injected clock: that one is the
     * application's (expiry, nonces), and moving it must not close every connection at once.
     */
    static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    DeviceValidation validate(List<X509Certificate> chain, Optional<io.hub.pki.MacAddress> requested) {
        return validator.validate(chain, requested);
    }

    void refused(RefusalReason reason) {
        refusals.count(reason);
    }

    void keepalive() {
        keepalives.increment();
    }

    void dispatch(Runnable work) {
        if (closed) {
            return;
        }
        try {
            workers.execute(work);
        } catch (RejectedExecutionException e) {
            // Stopping: the flow goes with the server.
        }
    }

    void runTlsTasks(Runnable work) {
        try {
            tlsTasks.execute(work);
        } catch (RejectedExecutionException e) {
            // Stopping: the handshake goes with the server.
        }
    }

    /** This thread's buffer for TLS records going out, of at least {@code capacity} bytes. */
    ByteBuffer wrapBuffer(int capacity) {
        ByteBuffer buffer = wrapBuffers.get();
        if (buffer == null || buffer.capacity() < capacity) {
            buffer = ByteBuffer.allocate(capacity);
            wrapBuffers.set(buffer);
        }
        return buffer;
    }

    /** A phone registered on {@code connection}: it no longer counts against its source's cap. */
    void registered(Connection connection) {
        unregistered.leave(connection);
    }

    void connectionClosed(Connection connection) {
        unregistered.leave(connection);
        open.decrementAndGet();
        slots.release();
    }

    boolean isClosed() {
        return closed;
    }

    /** Connections from {@code source}'s address (or IPv6 /64) that no phone has registered on yet. */
    public int unregisteredFrom(InetAddress source) {
        return unregistered.heldBy(source);
    }

    /** Connections open now, flows and handshakes alike. */
    public int connections() {
        return open.get();
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocketChannel listener : listeners) {
            quietly(listener);
        }
        for (SelectorLoop loop : loops) {
            if (loop != null) {
                loop.close();
            }
        }
        // Not shutdownNow: interrupting a handler inside a database write would close the
        // database's file channel under everyone else (H2 does that on interrupt).
        workers.shutdown();
        tlsTasks.shutdownNow();
        parser.close();
    }

    private static void quietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The local addresses the listeners are bound to, for logs and tests. */
    public List<InetSocketAddress> addresses() {
        return listeners.stream().map(l -> {
            try {
                return (InetSocketAddress) l.getLocalAddress();
            } catch (IOException e) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).toList();
    }
}
