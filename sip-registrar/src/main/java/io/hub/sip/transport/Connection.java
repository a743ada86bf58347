package io.hub.sip.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted socket, TLS or plain, driven by its {@link SelectorLoop} without ever blocking:
 * reading, the handshake's turns (its expensive steps on the TLS pool), framing, pongs, deadlines
 * and the order of closing. Once the handshake is done it carries a {@link Flow}. Three parts do
 * the rest, all under this connection's one lock, which also guards its phase:
 * {@link TlsSession} (the engine and its records), {@link FlowInbox} (messages to the worker pool,
 * in order, with reading paused while the handler is behind) and {@link Outbox} (what the socket
 * did not take at once, with the slow-reader bound).
 *
 * <p>Closing is ordered: no more reading, the messages already queued are handled, the handler is
 * told the flow is gone, then the output is shut (TLS close_notify) and the rest of the input is
 * read and discarded for a moment, so a final answer is not destroyed by a reset.
 */
final class Connection implements FlowLink {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Bytes read in one readiness event before the loop serves other connections. */
    private static final int READ_BUDGET = 64 * 1024;
    private static final int MAX_MALFORMED = 10;
    private static final long LINGER_MILLIS = 2_000;
    private static final byte[] PONG = {'\r', '\n'};

    /** HANDSHAKE, then OPEN; CLOSING while the handler hears of it; DRAINING once the output is shut. */
    private enum Phase { HANDSHAKE, OPEN, CLOSING, DRAINING, CLOSED }

    private final SipServer server;
    private final SelectorLoop loop;
    private final SocketChannel channel;
    private final SipServer.Endpoint endpoint;
    private final long acceptedAt;
    private final SipFraming framing = new SipFraming();
    /** Null for plain TCP. */
    private final TlsSession tls;
    private final FlowInbox inbox;
    private volatile SelectionKey key;
    private volatile Flow flow;
    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile long lastReadAt;

    // The loop thread's alone.
    private byte[] unreadNet;
    private boolean tlsTasksRunning;

    // Guarded by this: output, phase changes, and the inbox's queue (FlowInbox takes this lock).
    private final Outbox outbox;
    private boolean sendable;
    private boolean shutWhenSent;
    private long lingerUntil;

    // The worker's that holds the dispatching turn.
    private int malformed;

    Connection(SipServer server, SelectorLoop loop, SocketChannel channel, SipServer.Endpoint endpoint,
            long acceptedAt) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.endpoint = endpoint;
        this.acceptedAt = acceptedAt;
        this.lastReadAt = acceptedAt;
        this.tls = endpoint.tls() == null ? null : new TlsSession(endpoint, server::wrapBuffer);
        this.outbox = new Outbox(channel, server.limits().maxUnsentBytes(),
                writable -> interest(writable ? SelectionKey.OP_WRITE : 0, writable ? 0 : SelectionKey.OP_WRITE));
        this.inbox = new FlowInbox(this, new InboxOwner());
    }

    /** On the loop thread: starts reading; a plain connection is a flow at once. */
    void register() {
        try {
            key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
            if (endpoint.tls() == null) {
                open("", List.of());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("sip connection not registered: {}", e.toString());
            abandon();
        }
    }

    Flow flow() {
        return flow;
    }

    /** A phone registered on this connection's flow. */
    @Override
    public void registered() {
        server.registered(this);
    }

    @Override
    public boolean isOpen() {
        return phase == Phase.OPEN;
    }

    // ---- reading, on the loop thread

    void readable() {
        Phase now = phase;
        if (now == Phase.DRAINING) {
            discardInput();
            return;
        }
        if (now != Phase.HANDSHAKE && now != Phase.OPEN || tlsTasksRunning) {
            interest(0, SelectionKey.OP_READ);
            return;
        }
        ByteBuffer net = loop.netIn(endpoint.netBufferSize());
        net.clear();
        if (unreadNet != null) {
            net.put(unreadNet);
            unreadNet = null;
        }
        boolean ended = false;
        try {
            int budget = READ_BUDGET;
            while (true) {
                int room = net.remaining();
                int read = reading() ? channel.read(net) : 0;
                // A read that left room took all the socket held: another would only find nothing,
                // and the loop's selector reports the socket again when more arrives.
                boolean drained = read > 0 && read < room;
                if (read < 0) {
                    ended = true;
                } else if (read > 0) {
                    lastReadAt = SipServer.millis();
                    budget -= read;
                }
                net.flip();
                ended |= tls != null ? unwrap(net) : frame(net);
                net.compact();
                if (ended || read <= 0 || drained || budget <= 0 || !reading()) {
                    break;
                }
            }
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (ended) {
            if (phase == Phase.HANDSHAKE) {
                closeChannel();
            } else {
                close(framing.messageStartedAt() >= 0 ? "closed by the peer inside a message"
                        : "closed by the peer", null);
            }
            return;
        }
        if (net.position() > 0 && phase.compareTo(Phase.OPEN) <= 0) {
            unreadNet = Arrays.copyOf(net.array(), net.position());
        }
    }

    /** What reading or the handshake ran into: a framing break, a TLS failure, or a broken socket. */
    private void failed(IOException e) {
        if (e instanceof SipFraming.FramingException framing) {
            refuseFraming(framing);
        } else if (e instanceof SSLException tlsFailure) {
            tlsFailed(tlsFailure);
        } else {
            close("broken: " + e.getMessage(), null);
        }
    }

    private boolean reading() {
        return (phase == Phase.HANDSHAKE || phase == Phase.OPEN) && !inbox.readPaused() && !tlsTasksRunning;
    }

    /** Decrypts the complete records in {@code net}; true when the peer ended the TLS session. */
    private boolean unwrap(ByteBuffer net) throws IOException {
        int idle = 0;
        while (net.hasRemaining() && !tlsTasksRunning && phase.compareTo(Phase.OPEN) <= 0 && idle < 2) {
            ByteBuffer app = loop.appIn(tls.applicationBufferSize());
            app.clear();
            SSLEngineResult result = tls.unwrap(net, app);
            app.flip();
            boolean handshakeMoved = false;
            if (app.hasRemaining()) {
                if (flow == null) {
                    // netty-tcnative's engine finishes the handshake and decrypts the data behind it in one call.
                    handshake(result.getHandshakeStatus());
                    handshakeMoved = true;
                    if (flow == null) {
                        throw new SSLException("application data before the handshake finished");
                    }
                }
                frame(app);
            }
            switch (result.getStatus()) {
                case CLOSED:
                    return true;
                case BUFFER_UNDERFLOW:
                    return false;
                case BUFFER_OVERFLOW:
                    // The session's buffer size grew (it may after the handshake); the next turn has room.
                    idle++;
                    continue;
                default:
                    break;
            }
            if (!handshakeMoved) {
                handshake(result.getHandshakeStatus());
            }
            idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
        }
        return false;
    }

    /** Moves the handshake on as far as it goes without more input. */
    private void handshake(HandshakeStatus status) throws IOException {
        while (true) {
            if (flow != null && tls.renegotiating(status)) {
                // Only a renegotiation moves a finished TLS 1.2 handshake (TLS 1.3 key updates do not count).
                LOG.info("sip {} refused: TLS renegotiation", flow);
                close("asked to renegotiate TLS", RefusalReason.RENEGOTIATION);
                return;
            }
            switch (status) {
                case NEED_TASK -> {
                    runTlsTasks();
                    return;
                }
                case NEED_WRAP -> status = wrapHandshake();
                case FINISHED -> {
                    handshakeFinished();
                    status = tls.handshakeStatus();
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Key exchange and certificate checks cost milliseconds: they run off the loop, reading paused. */
    private void runTlsTasks() {
        tlsTasksRunning = true;
        interest(0, SelectionKey.OP_READ);
        Runnable tasks = tls.delegatedTasks();
        server.runTlsTasks(() -> {
            try {
                tasks.run();
            } catch (RuntimeException e) {
                LOG.debug("sip TLS task failed: {}", e.toString());
            }
            loop.execute(this::tlsTasksDone);
        });
    }

    private void tlsTasksDone() {
        tlsTasksRunning = false;
        if (phase.compareTo(Phase.OPEN) > 0) {
            return;
        }
        try {
            handshake(tls.handshakeStatus());
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (!tlsTasksRunning && reading()) {
            interest(SelectionKey.OP_READ, 0);
            // Records that arrived with the handshake message wait in unreadNet; no event will come for them.
            readable();
        }
    }

    private HandshakeStatus wrapHandshake() throws IOException {
        synchronized (this) {
            return tls.wrapHandshake(outbox::write);
        }
    }

    private void handshakeFinished() throws IOException {
        if (flow == null) {
            // A phone that keeps Nagle's algorithm on holds its REGISTER until its last flight is acknowledged.
            io.hub.pki.HandshakeAcknowledgement.now(channel);
            tls.handshakeFinished();
            open(tls.cipherSuite(), tls.peerChain());
        }
    }

    private void open(String cipherSuite, List<X509Certificate> chain) throws IOException {
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        synchronized (this) {
            flow = new Flow(this, endpoint.transport(), cipherSuite, requested -> server.validate(chain, requested),
                    remote, local, server.clock().instant(), server.limits().defaultIdleTimeout().toMillis());
            flow.peerCertificates(chain);
            sendable = true;
            phase = Phase.OPEN;
        }
    }

    private boolean frame(ByteBuffer bytes) throws SipFraming.FramingException {
        framing.feed(bytes, SipServer.millis(), this::unit);
        return false;
    }

    private void unit(SipFraming.Unit unit) {
        if (phase != Phase.OPEN) {
            return;
        }
        if (unit instanceof SipFraming.Message message) {
            flow.heard(server.clock().instant(), false);
            inbox.add(message.bytes());
        } else {
            LOG.debug("sip keepalive ping {}", flow);
            flow.heard(server.clock().instant(), true);
            server.keepalive();
            send(PONG);
        }
    }

    private void refuseFraming(SipFraming.FramingException e) {
        LOG.info("sip {} refused: {}", flow, io.hub.pki.log.LogText.of(e.getMessage()));
        send(("SIP/2.0 " + e.status + " " + (e.status == 513 ? "Message Too Large" : "Bad Request")
                + "\r\nContent-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        close("framing: " + e.getMessage(), RefusalReason.FRAMING);
    }

    private void tlsFailed(SSLException e) {
        if (phase == Phase.HANDSHAKE) {
            LOG.debug("sip handshake failed from {}: {}", address(), e.getMessage());
            server.refused(RefusalReason.HANDSHAKE_FAILED);
            sendAlert();
            closeChannel();
        } else {
            close("broken TLS: " + e.getMessage(), null);
        }
    }

    /** Best effort: the alert the engine has for the peer, written if the socket takes it at once. */
    private void sendAlert() {
        try {
            synchronized (this) {
                if (tls != null && tls.started()) {
                    channel.write(tls.closingRecords());
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The peer is being dropped; an alert it cannot get changes nothing.
        }
    }

    private void discardInput() {
        ByteBuffer scratch = loop.netIn(endpoint.netBufferSize());
        try {
            for (int i = 0; i < 4; i++) {
                scratch.clear();
                int read = channel.read(scratch);
                if (read < 0) {
                    closeChannel();
                    return;
                }
                if (read == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            closeChannel();
        }
    }

    // ---- the inbound queue and the worker

    /** What the inbox does with this connection: the worker pool, reading paused and resumed, handling. */
    private final class InboxOwner implements FlowInbox.Owner {
        @Override
        public void dispatch(Runnable turn) {
            server.dispatch(turn);
        }

        @Override
        public boolean stopping() {
            return server.isClosed();
        }

        @Override
        public void pauseReading() {
            interest(0, SelectionKey.OP_READ);
        }

        @Override
        public void resumeReading() {
            loop.execute(Connection.this::resumeReading);
        }

        @Override
        public void message(byte[] message) {
            try {
                handle(message);
            } catch (RuntimeException e) {
                // A defect on our side; the flow's later messages must still get their turn.
                LOG.error("sip message on {} failed", flow, e);
            }
        }

        @Override
        public void closed(String why) {
            Connection.this.closed(why);
        }
    }

    private void handle(byte[] message) {
        if (phase == Phase.DRAINING || phase == Phase.CLOSED) {
            return;
        }
        if (!server.dispatcher().dispatch(message, flow)) {
            server.refused(RefusalReason.MALFORMED);
            if (++malformed >= MAX_MALFORMED) {
                close(MAX_MALFORMED + " malformed messages", null);
            }
        }
    }

    private void resumeReading() {
        if (reading()) {
            interest(SelectionKey.OP_READ, 0);
            readable();
        }
    }

    // ---- output, from any thread

    /** Writes one message or pong down the connection, never blocking; false when it is gone. */
    @Override
    public boolean send(byte[] bytes) {
        synchronized (this) {
            if (!sendable) {
                return false;
            }
            try {
                if (tls == null) {
                    outbox.write(ByteBuffer.wrap(bytes));
                } else {
                    tls.send(bytes, outbox::write);
                }
                return true;
            } catch (Outbox.SlowReader e) {
                LOG.info("sip {} dropped: {}", flow, e.getMessage());
                abort(e.getMessage(), RefusalReason.SLOW_READER);
                return false;
            } catch (IOException e) {
                abort("broken: " + e.getMessage(), null);
                return false;
            }
        }
    }

    /** On the loop thread: the socket takes more. */
    void writable() {
        synchronized (this) {
            try {
                if (outbox.flush() && shutWhenSent) {
                    shutOutput();
                }
            } catch (IOException e) {
                abort("broken: " + e.getMessage(), null);
            }
        }
    }

    // ---- closing

    /**
     * Closes the connection in order: reading stops, queued messages are handled, the handler hears
     * {@code why}, then the output is shut. Counted under {@code reason} when it is a refusal.
     */
    @Override
    public void close(String why, RefusalReason reason) {
        synchronized (this) {
            if (phase != Phase.HANDSHAKE && phase != Phase.OPEN) {
                return;
            }
            if (reason != null) {
                server.refused(reason);
            }
            if (phase == Phase.HANDSHAKE) {
                closeChannel();
                return;
            }
            phase = Phase.CLOSING;
            interest(0, SelectionKey.OP_READ);
        }
        inbox.close(why);
    }

    /** The output is dead (broken, or the peer does not read): nothing more is sent, and it closes. */
    private void abort(String why, RefusalReason reason) {
        synchronized (this) {
            sendable = false;
            outbox.discard();
            if (phase == Phase.CLOSING || phase == Phase.DRAINING) {
                // Already closing; the handler is told (or was) through the queue.
                closeChannel();
                return;
            }
        }
        close(why, reason);
    }

    /** On a worker, in the queue's order: the handler hears of it, then the output is shut. */
    private void closed(String why) {
        try {
            server.handler().flowClosed(flow, why);
        } catch (RuntimeException e) {
            LOG.error("sip flowClosed for {} failed", flow, e);
        }
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            if (!sendable) {
                closeChannel();
                return;
            }
            sendable = false;
            try {
                if (tls != null && tls.started()) {
                    outbox.write(tls.closingRecords());
                }
                if (!outbox.isEmpty()) {
                    shutWhenSent = true;
                } else {
                    shutOutput();
                }
            } catch (IOException e) {
                closeChannel();
            }
        }
    }

    /** Caller holds the lock. Half-closes and keeps reading a moment, so the peer sees FIN, not a reset. */
    private void shutOutput() throws IOException {
        channel.shutdownOutput();
        lingerUntil = SipServer.millis() + LINGER_MILLIS;
        phase = Phase.DRAINING;
        interest(SelectionKey.OP_READ, 0);
    }

    /**
     * The worker holding this connection's turn is stuck: the socket closes now, and the close is
     * queued after that turn, so the handler hears of it if the turn ever ends.
     */
    @Override
    public void drop(String why, RefusalReason reason) {
        abort(why, reason);
        closeChannel();
    }

    /** A defect met while serving this connection: it is dropped, and the handler told as for any close. */
    void fail(RuntimeException e) {
        abort("failed: " + e, null);
    }

    /** Closes the socket now, without telling the handler: for a stopping server. */
    void abandon() {
        closeChannel();
    }

    private void closeChannel() {
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            sendable = false;
            outbox.discard();
            unreadNet = null;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
        if (tls != null) {
            tls.release();
        }
        server.connectionClosed(this);
    }

    // ---- deadlines, on the loop thread

    void sweep(long now) {
        Phase current = phase;
        if (current == Phase.HANDSHAKE) {
            if (now - acceptedAt > server.limits().handshakeTimeout().toMillis()) {
                LOG.debug("sip handshake timed out from {}", address());
                server.refused(RefusalReason.HANDSHAKE_TIMEOUT);
                closeChannel();
            }
            return;
        }
        if (current == Phase.DRAINING && now > lingerUntil) {
            closeChannel();
            return;
        }
        if (current == Phase.OPEN) {
            if (inbox.readPaused()) {
                // Input waits unread because the handler is behind: the hub's delay, not the peer's.
                lastReadAt = now;
                framing.postpone(now);
                return;
            }
            long started = framing.messageStartedAt();
            if (started >= 0 && now - started > server.limits().messageTimeout().toMillis()) {
                LOG.info("sip {} dropped: a message took longer than {} s", flow,
                        server.limits().messageTimeout().toSeconds());
                close("a message took longer than " + server.limits().messageTimeout().toSeconds() + " s",
                        RefusalReason.SLOW_SENDER);
                return;
            }
            long deadline = server.limits().registerDeadline().toMillis();
            if (!flow.trusted() && now - acceptedAt > deadline) {
                // Counted from the accept, not the last byte: a squatter's pings do not buy it time.
                LOG.debug("sip {} closed: no phone registered within {} s", flow, deadline / 1000);
                close("no phone registered within " + deadline / 1000 + " s", RefusalReason.REGISTER_DEADLINE);
                return;
            }
            if (now - lastReadAt > flow.idleTimeoutMillis()) {
                // A registered phone's silence is a lost flow, not a refusal; a squatter's is.
                close("silent for " + flow.idleTimeoutMillis() / 1000 + " s",
                        flow.trusted() ? null : RefusalReason.SILENT);
                return;
            }
        }
        synchronized (this) {
            if (outbox.stalled(now)) {
                LOG.info("sip {} dropped: nothing read for {} s", flow, Outbox.WRITE_STALL_MILLIS / 1000);
                abort("not reading for " + Outbox.WRITE_STALL_MILLIS / 1000 + " s", RefusalReason.SLOW_READER);
            }
        }
    }

    // ---- helpers

    /** Adds {@code on} and removes {@code off} from the interest set, from any thread. */
    private void interest(int on, int off) {
        SelectionKey current = key;
        if (current == null) {
            return;
        }
        try {
            if (off != 0) {
                current.interestOpsAnd(~off);
            }
            if (on != 0) {
                current.interestOpsOr(on);
                loop.wakeup();
            }
        } catch (CancelledKeyException e) {
            // Closed meanwhile.
        }
    }

    private String address() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        Flow current = flow;
        return current != null ? current.toString() : "connection " + endpoint.transport() + " " + address();
    }
}
