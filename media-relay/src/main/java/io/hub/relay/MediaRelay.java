package io.hub.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Threading: one {@link RelayLoop} per configured I/O thread (by default one per core), each a
 * {@link java.nio.channels.Selector} over the channels of the sessions placed on it; a new session
 * goes to the least loaded loop, with both its legs, so a packet is read and forwarded by one thread.
 * A G.711 stream is 50 packets/s and forwarding one costs a few microseconds (two AES-CM passes and
 * two HMACs in termination), so one loop carries thousands of streams on one core, while a thread
 * per session would park hundreds of threads and pay a context switch per packet. The first loop
 * checks every session for dead streams once a second against the injected {@link Clock}. Channels
 * are bound by the caller of {@code allocate}, registered and closed on their loop's thread (a
 * channel closed while registered keeps its port until the selector deregisters it, so
 * {@code release} waits for that).
 */
public final class MediaRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaRelay.class);
    private static final long TICK_MILLIS = 1000;

    private final RelayConfig config;
    private final Clock clock;
    private final RelayListener listener;
    private final PortAllocator ports;
    private final RelayMetrics metrics;
    private final List<RelayLoop> loops;
    /** Each open session and the loop its channels are read on. */
    private final Map<RelaySession, RelayLoop> sessions = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean running;

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
        List<RelayLoop> made = new ArrayList<>();
        try {
            for (int i = 0; i < config.ioThreads(); i++) {
                made.add(new RelayLoop("hub-relay-io-" + i, clock::millis, TICK_MILLIS,
                        i == 0 ? now -> expire(Instant.ofEpochMilli(now)) : null));
            }
        } catch (IOException e) {
            made.forEach(RelayLoop::stop);
            throw e;
        }
        this.loops = List.copyOf(made);
    }

    /** Starts the I/O threads. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the relay was already started");
        }
        started = true;
        running = true;
        loops.forEach(RelayLoop::start);
        LOG.info("relay listening on {} ports {}-{} with {} I/O thread(s)", config.bindAddress().getHostAddress(),
                config.minPort(), config.maxPort(), loops.size());
    }

    /** How many I/O threads carry the sessions. */
    public int ioThreads() {
        return loops.size();
    }

    /** The open sessions each I/O thread carries, in thread order: how evenly calls are spread. */
    public List<Integer> sessionsPerThread() {
        return loops.stream().map(RelayLoop::load).toList();
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
            RelayLoop loop = leastLoaded();
            loop.add(session);
            sessions.put(session, loop);
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
        RelayLoop loop = sessions.remove(session);
        if (loop != null) {
            loop.remove(() -> {
                for (Side side : Side.values()) {
                    RelayLeg leg = session.leg(side);
                    closeQuietly(leg.rtpChannel);
                    closeQuietly(leg.rtcpChannel);
                }
            });
        }
        // Freed once the loop let the channels' keys go, so the ports are really unbound.
        for (Side side : Side.values()) {
            ports.free(session.leg(side).rtpPort);
            ports.free(session.leg(side).rtcpPort);
        }
        LOG.info("relay call {} released", session.callId());
    }

    public SessionStats stats(RelaySession session) {
        return session.stats();
    }

    /** The sessions allocated and not yet released, for the admin API's call list. */
    public List<RelaySession> sessions() {
        return List.copyOf(sessions.keySet());
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
        for (RelaySession session : sessions.keySet()) {
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

    /** Releases every session and stops the I/O threads. */
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
        loops.forEach(RelayLoop::stop);
        LOG.info("relay stopped");
    }

    private RelayLoop leastLoaded() {
        RelayLoop least = loops.get(0);
        for (RelayLoop loop : loops) {
            if (loop.load() < least.load()) {
                least = loop;
            }
        }
        return least;
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
}
