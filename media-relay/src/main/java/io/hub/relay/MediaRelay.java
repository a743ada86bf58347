package io.hub.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRTP relay: UDP ports from a range, two legs per call, latching, SRTP termination or
 * passthrough, dead-stream detection and counters. It knows no SIP: the call side turns SDP into
 * {@link LegSpec}s and ports back into SDP.
 *
 * <p>Control API: {@link #allocate}, {@link #update}, {@link #timeout}, {@link #signalled},
 * {@link #release}, {@link #stats}. {@link PortsExhaustedException} from {@code allocate} means "busy, try later" (503);
 * any other {@link RelayException} is a local failure. Changing a released session is a no-op;
 * calling the control API before {@link #start} or after {@link #close} throws
 * {@link IllegalStateException}.
 *
 * <p>Threading: one I/O thread runs a {@link Selector} over every relay channel. A G.711 stream is
 * 50 packets/s and forwarding one costs a few microseconds (two AES-CM passes and two HMACs in
 * termination), so one thread carries thousands of streams on one core, while a thread per session
 * would park hundreds of threads and pay a context switch per packet. The thread blocks in
 * {@code select} (never spins), reads at most {@value #READS_PER_WAKEUP} datagrams from a channel per
 * wake-up so a flooded port cannot starve the others, and wakes at least once a second to check for
 * dead streams against the injected {@link Clock}. Channels are bound by the caller of
 * {@code allocate}, registered and closed on the I/O thread (a channel closed while registered keeps
 * its port until the selector deregisters it, so {@code release} waits for that).
 */
public final class MediaRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaRelay.class);
    static final int READS_PER_WAKEUP = 32;
    /** Larger than any RTP packet on an Ethernet path; a datagram filling it is taken as truncated. */
    private static final int MAX_DATAGRAM = 2048;
    /** Room past the datagram for the largest SRTCP index and tag the relay appends. */
    private static final int TRAILER_ROOM = 64;
    private static final long TICK_MILLIS = 1000;
    private static final long CONTROL_WAIT_SECONDS = 5;

    private final RelayConfig config;
    private final Clock clock;
    private final RelayListener listener;
    private final PortAllocator ports;
    private final RelayMetrics metrics;
    private final Selector selector;
    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM + TRAILER_ROOM);
    private volatile Thread ioThread;
    private volatile boolean running;
    private long lastExpiryMillis;

    /**
     * @param clock the time that dead-stream timeouts are measured in; jitter uses the monotonic clock
     * @throws IOException if the selector cannot be opened
     */
    public MediaRelay(RelayConfig config, Clock clock, MeterRegistry registry, RelayListener listener) throws IOException {
        this.config = config;
        this.clock = clock;
        this.listener = listener;
        this.ports = new PortAllocator(config.minPort(), config.maxPort(), new SecureRandom());
        this.metrics = new RelayMetrics(registry, sessions::size, ports::freePorts);
        this.selector = Selector.open();
    }

    /** Starts the I/O thread. */
    public synchronized void start() {
        if (running || ioThread != null) {
            throw new IllegalStateException("the relay was already started");
        }
        running = true;
        lastExpiryMillis = clock.millis();
        ioThread = new Thread(this::run, "hub-relay-io");
        ioThread.setDaemon(true);
        ioThread.start();
        LOG.info("relay listening on {} ports {}-{}", config.bindAddress().getHostAddress(), config.minPort(), config.maxPort());
    }

    /**
     * Binds the ports of a new session: a pair per leg, or one port for an rtcp-mux leg.
     *
     * @throws PortsExhaustedException if the range has no free port (pair) left: answer 503
     * @throws RelayException if a socket could not be opened for another reason
     * @throws IllegalArgumentException if passthrough legs carry keys
     */
    public RelaySession allocate(String callId, RelayMode mode, LegSpec a, LegSpec b) throws RelayException {
        requireRunning();
        if (mode == RelayMode.PASSTHROUGH) {
            for (LegSpec leg : List.of(a, b)) {
                if (leg.inboundKey() != null || leg.outboundKey() != null) {
                    throw new IllegalArgumentException("passthrough forwards SRTP untouched; a leg has keys");
                }
            }
        }
        long now = clock.millis();
        List<DatagramChannel> opened = new ArrayList<>();
        try {
            RelayLeg legA = bindLeg(Side.A, a, opened, now);
            RelayLeg legB = bindLeg(Side.B, b, opened, now);
            RelaySession session = new RelaySession(callId, mode, legA, legB, config.deadStreamTimeout(), metrics);
            onIoThread(() -> register(session));
            sessions.add(session);
            LOG.info("relay call {} allocated {} A {}/{} B {}/{}", callId, mode, legA.rtpPort, legA.rtcpPort,
                    legB.rtpPort, legB.rtcpPort);
            return session;
        } catch (PortsExhaustedException e) {
            closeAll(opened);
            metrics.exhausted();
            LOG.warn("relay call {} refused: {}", callId, e.getMessage());
            throw e;
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw new RelayException("relay ports for call " + callId + " could not be opened: " + e.getMessage(), e);
        }
    }

    /** A re-INVITE: new expected addresses or keys for one leg (null keys keep the current ones). */
    public void update(RelaySession session, Side side, LegSpec spec) {
        requireRunning();
        if (session.mode() == RelayMode.PASSTHROUGH && (spec.inboundKey() != null || spec.outboundKey() != null)) {
            throw new IllegalArgumentException("passthrough forwards SRTP untouched; leg " + side + " has keys");
        }
        session.update(side, spec);
    }

    /**
     * Hands the STUN and DTLS datagrams of one leg's port to {@code keying} (a DTLS-SRTP leg, RFC 7983);
     * SRTP and SRTCP on that port go on being relayed as before, once the leg has keys.
     *
     * @throws IllegalArgumentException on a passthrough session: keys agreed on a leg mean termination
     */
    public void attach(RelaySession session, Side side, LegKeying keying) {
        requireRunning();
        if (session.mode() != RelayMode.TERMINATION) {
            throw new IllegalArgumentException("a keyed leg needs termination; call " + session.callId()
                    + " is passthrough");
        }
        session.attach(side, keying);
    }

    /** The port of one leg, to send from and to hand keys agreed on it to the relay. */
    public LegPort legPort(RelaySession session, Side side) {
        RelayLeg leg = session.leg(side);
        return new LegPort() {
            @Override
            public String callId() {
                return session.callId();
            }

            @Override
            public Side side() {
                return side;
            }

            @Override
            public int localPort() {
                return leg.rtpPort;
            }

            @Override
            public void send(byte[] data, int offset, int length, InetSocketAddress destination) {
                try {
                    if (leg.rtpChannel.send(ByteBuffer.wrap(data, offset, length), destination) == 0) {
                        metrics.dropped(DropReason.SEND_FAILED);
                    }
                } catch (IOException e) {
                    metrics.dropped(DropReason.SEND_FAILED);
                }
            }

            @Override
            public void keys(io.hub.relay.srtp.SdesKey inbound, io.hub.relay.srtp.SdesKey outbound) {
                session.keys(side, inbound, outbound);
            }
        };
    }

    /**
     * A new dead-stream timeout for the session, such as a longer one while a call is on hold or
     * the media one once it is answered. Silence is counted anew from now: a call that was held
     * (or ringing) for long is not dead the moment it resumes.
     */
    public void timeout(RelaySession session, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the dead-stream timeout must be positive, not " + timeout);
        }
        session.timeout(timeout, clock.millis());
    }

    /**
     * A signalling event for the session (an offer or answer): its legs count as active from now, so
     * a call that rings longer than the dead-stream timeout is not reported dead before its media
     * could even start.
     */
    public void signalled(RelaySession session) {
        session.signalled(clock.millis());
    }

    /** Closes the session's ports and returns them to the range; a second release does nothing. */
    public void release(RelaySession session) {
        if (!session.markReleased()) {
            return;
        }
        sessions.remove(session);
        Runnable close = () -> {
            for (Side side : Side.values()) {
                RelayLeg leg = session.leg(side);
                closeQuietly(leg.rtpChannel);
                closeQuietly(leg.rtcpChannel);
            }
            flushCancelledKeys();
            for (Side side : Side.values()) {
                ports.free(session.leg(side).rtpPort);
                ports.free(session.leg(side).rtcpPort);
            }
        };
        if (running) {
            onIoThread(close);
        } else {
            close.run();
        }
        LOG.info("relay call {} released", session.callId());
    }

    public SessionStats stats(RelaySession session) {
        return session.stats();
    }

    /** The sessions allocated and not yet released, for the admin API's call list. */
    public List<RelaySession> sessions() {
        return List.copyOf(sessions);
    }

    public int freePorts() {
        return ports.freePorts();
    }

    /**
     * Reports every session with a leg silent for its timeout as of {@code now}, once per session, to
     * the listener and in the returned list. The I/O thread calls this every second with the injected
     * clock's time; tests call it with the time they choose.
     */
    public List<DeadStream> expire(Instant now) {
        List<DeadStream> dead = new ArrayList<>();
        long millis = now.toEpochMilli();
        for (RelaySession session : sessions) {
            DeadStream event = session.deadLeg(millis);
            if (event != null) {
                dead.add(event);
                metrics.deadStream();
                LOG.info("relay call {} leg {} silent since {} (timeout {}s)", session.callId(), event.silentLeg(),
                        event.silentSince(), event.timeout().toSeconds());
                try {
                    listener.deadStream(event);
                } catch (RuntimeException e) {
                    LOG.warn("relay dead-stream listener failed for call {}", session.callId(), e);
                }
            }
        }
        return dead;
    }

    /** Releases every session, stops the I/O thread and closes the selector. */
    @Override
    public void close() {
        synchronized (this) {
            if (!running) {
                return;
            }
        }
        for (RelaySession session : sessions()) {
            release(session);
        }
        running = false;
        selector.wakeup();
        Thread thread = ioThread;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(CONTROL_WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(selector);
        LOG.info("relay stopped");
    }

    private RelayLeg bindLeg(Side side, LegSpec spec, List<DatagramChannel> opened, long now) throws IOException,
            PortsExhaustedException {
        Set<Integer> refused = new HashSet<>();
        while (true) {
            int rtp = spec.rtcpMux() ? ports.reserveSingle(refused) : ports.reservePair(refused);
            int rtcp = spec.rtcpMux() ? rtp : rtp + 1;
            DatagramChannel rtpChannel = null;
            DatagramChannel rtcpChannel = null;
            try {
                rtpChannel = bind(rtp);
                rtcpChannel = spec.rtcpMux() ? null : bind(rtcp);
                opened.add(rtpChannel);
                if (rtcpChannel != null) {
                    opened.add(rtcpChannel);
                }
                return new RelayLeg(side, spec, rtp, rtpChannel, rtcp, rtcpChannel, config.clockRate(), now);
            } catch (BindException e) {
                // Another process holds a port of the range: skip it for this allocation only.
                closeQuietly(rtpChannel);
                ports.free(rtp);
                ports.free(rtcp);
                refused.add(rtp);
                refused.add(rtcp);
                LOG.debug("relay port {} refused by the system: {}", rtp, e.getMessage());
            } catch (IOException | RuntimeException e) {
                closeQuietly(rtpChannel);
                ports.free(rtp);
                ports.free(rtcp);
                throw e;
            }
        }
    }

    private DatagramChannel bind(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open(
                config.bindAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            channel.bind(new InetSocketAddress(config.bindAddress(), port));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void register(RelaySession session) {
        for (Side side : Side.values()) {
            RelayLeg leg = session.leg(side);
            try {
                leg.rtpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(session, leg, false));
                if (leg.rtcpChannel != null) {
                    leg.rtcpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(session, leg, true));
                }
            } catch (ClosedChannelException e) {
                // released before the I/O thread got to it
                return;
            }
        }
    }

    private void run() {
        while (running) {
            try {
                // The consumer form fills no selected-key set: no set entry or iterator garbage per wake-up.
                selector.select(this::ready, TICK_MILLIS);
                runTasks();
                long now = clock.millis();
                if (now - lastExpiryMillis >= TICK_MILLIS || now < lastExpiryMillis) {
                    lastExpiryMillis = now;
                    expire(Instant.ofEpochMilli(now));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("relay I/O loop error, continuing", e);
            }
        }
        runTasks();
    }

    private void ready(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            read(key);
        }
    }

    private void read(SelectionKey key) {
        Endpoint endpoint = (Endpoint) key.attachment();
        DatagramChannel channel = (DatagramChannel) key.channel();
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            buffer.clear().limit(MAX_DATAGRAM);
            InetSocketAddress source;
            try {
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                // An ICMP port-unreachable surfaces here on Linux; the next read goes on.
                continue;
            }
            if (source == null) {
                return;
            }
            buffer.flip();
            if (buffer.limit() == MAX_DATAGRAM) {
                buffer.limit(0);
            }
            try {
                endpoint.session.forward(endpoint.leg, endpoint.rtcpPort, source, buffer,
                        clock.millis(), System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("relay call {} leg {}: packet from {} failed: {}", endpoint.session.callId(), endpoint.leg.side,
                        source, e.toString());
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Runs {@code task} on the I/O thread and waits for it (or runs it here if this is that thread). */
    private void onIoThread(Runnable task) {
        if (Thread.currentThread() == ioThread) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            done.get(CONTROL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the relay I/O thread", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the relay I/O thread did not run a control task: " + e, e);
        }
    }

    private void flushCancelledKeys() {
        if (!selector.isOpen()) {
            return; // closed with the relay: its keys went with it
        }
        try {
            selector.selectNow(this::ready);
        } catch (IOException e) {
            LOG.warn("relay selector flush failed: {}", e.toString());
        }
    }

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException("the relay is not running");
        }
    }

    private static void closeAll(List<DatagramChannel> channels) {
        channels.forEach(MediaRelay::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("relay close failed: {}", e.toString());
            }
        }
    }

    private record Endpoint(RelaySession session, RelayLeg leg, boolean rtcpPort) {
    }
}
