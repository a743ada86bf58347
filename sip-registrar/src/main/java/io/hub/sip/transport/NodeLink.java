package io.hub.sip.transport;

import io.hub.pki.log.LogText;
import io.hub.pki.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP-TLS connection this node opened to another node of the cluster, as a {@link Flow}: the
 * calls of this node's phones to phones whose flows the other node holds go down it, and what the
 * other node relays back comes up it to the same {@link SipHandler} as a phone's messages. A node
 * link is a handful per node, so it is a blocking socket with a reader thread and a writer thread of
 * its own; it pings (RFC 5626 CRLF) so the other node does not close it as silent.
 *
 * <p>A sender never writes the socket itself: {@link #send} puts the message in a bounded outbox the
 * writer thread drains, so a slow or stuck node never holds the thread that forwards an INVITE (and
 * the phones' requests queued behind it). A full outbox refuses the message ({@code send} is false,
 * counted as {@link RefusalReason#NODE_LINK_FULL}); a message whose write has not returned after
 * {@link #WRITE_TIMEOUT} by the server's clock (checked with every ping) closes the link, which frees
 * the writer.
 */
final class NodeLink implements FlowLink {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLink.class);
    /** Well inside the other node's idle timeout for a flow (a minute by default). */
    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    private static final ScheduledExecutorService PINGS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sip-node-link-pings");
        thread.setDaemon(true);
        return thread;
    });

    private final SipServer server;
    private final SSLSocket socket;
    private final java.net.Socket raw;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Flow flow;
    private final ScheduledFuture<?> pings;
    /** Messages not yet written, at most {@link #MAX_UNSENT_BYTES} of them; guarded by itself. */
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private int unsentBytes;
    /** The server clock's millis when the write under way began; 0 when the writer is not writing. */
    private volatile long writingSince;
    /** True once a full outbox was logged, until it drains: one log line per backlog, not per message. */
    private boolean fullLogged;

    /** Bytes queued for the other node beyond which a message is refused: many INVITEs' worth. */
    static final int MAX_UNSENT_BYTES = 256 * 1024;
    /** A write to the other node that makes no progress this long means it stopped reading. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private NodeLink(SipServer server, SSLSocket socket, java.net.Socket raw) throws IOException {
        this.server = server;
        this.socket = socket;
        this.raw = raw;
        this.out = socket.getOutputStream();
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : socket.getSession().getPeerCertificates()) {
            chain.add((X509Certificate) certificate);
        }
        this.flow = new Flow(this, "TLS", socket.getSession().getCipherSuite(),
                requested -> server.validate(chain, requested), (InetSocketAddress) socket.getRemoteSocketAddress(),
                (InetSocketAddress) socket.getLocalSocketAddress(), server.clock().instant(),
                server.limits().defaultIdleTimeout().toMillis());
        flow.peerCertificates(chain);
        flow.openedHere();
        this.pings = PINGS.scheduleWithFixedDelay(this::ping, PING_INTERVAL.toMillis(), PING_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the node at {@code address} with {@code tls} (this node's certificate as the client's,
     * the hub CA as the only anchor) and starts reading it.
     *
     * @throws IOException when the node cannot be reached or the handshake fails (a certificate the hub
     *     CA did not issue, among others)
     */
    static Flow open(SipServer server, InetSocketAddress address, SSLContext tls, Duration timeout) throws IOException {
        // The raw socket is kept: closing it ends a write blocked on a node that stopped reading, where
        // closing the TLS socket would wait for that write's lock to send its close_notify.
        java.net.Socket raw = new java.net.Socket();
        SSLSocket socket;
        try {
            raw.connect(address, (int) timeout.toMillis());
            raw.setTcpNoDelay(true);
            socket = (SSLSocket) tls.getSocketFactory().createSocket(raw,
                    address.getAddress().getHostAddress(), address.getPort(), true);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        try {
            SSLParameters parameters = tls.getDefaultSSLParameters();
            parameters.setProtocols(ServerTls.PROTOCOLS);
            parameters.setCipherSuites(ServerTls.CIPHER_SUITES);
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            NodeLink link = new NodeLink(server, socket, raw);
            Thread reader = new Thread(link::read, "sip-node-link-" + address.getPort());
            reader.setDaemon(true);
            reader.start();
            Thread writer = new Thread(link::write, "sip-node-link-writer-" + address.getPort());
            writer.setDaemon(true);
            writer.start();
            LOG.info("sip node link open {} to {}", link.flow, address);
            return link.flow;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private void read() {
        SipFraming framing = new SipFraming();
        byte[] buffer = new byte[16 * 1024];
        String why = "closed by the other node";
        try (InputStream in = socket.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                framing.feed(ByteBuffer.wrap(buffer, 0, read), SipServer.millis(), unit -> {
                    flow.heard(server.clock().instant(), unit instanceof SipFraming.Ping);
                    if (unit instanceof SipFraming.Message message) {
                        server.dispatcher().dispatch(message.bytes(), flow);
                    }
                });
            }
        } catch (IOException e) {
            why = closed.get() ? "closed by this node" : "broken: " + e.getMessage();
        }
        close(why, null);
    }

    /** The writer thread: writes the outbox in order until the link closes. */
    private void write() {
        while (true) {
            byte[] next;
            synchronized (outbox) {
                while (outbox.isEmpty() && !closed.get()) {
                    try {
                        outbox.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        close("interrupted", null);
                        return;
                    }
                }
                if (closed.get()) {
                    return;
                }
                next = outbox.peek();
            }
            try {
                writingSince = Math.max(1, server.clock().millis());
                out.write(next);
                out.flush();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.info("sip node link {} lost while sending: {}", flow, LogText.of(String.valueOf(e.getMessage())));
                }
                close("broken while sending", null);
                return;
            } finally {
                writingSince = 0;
            }
            synchronized (outbox) {
                if (closed.get()) {
                    return;
                }
                outbox.poll();
                unsentBytes -= next.length;
                if (outbox.isEmpty()) {
                    fullLogged = false;
                }
            }
        }
    }

    private void ping() {
        if (closeIfStuck()) {
            return;
        }
        send("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Closes the link when a write has made no progress for {@link #WRITE_TIMEOUT} by the server's
     * clock: the other node stopped reading. Called with every ping, and by tests with the clock moved.
     *
     * @return true when the link was closed for it
     */
    boolean closeIfStuck() {
        long since = writingSince;
        if (since == 0 || closed.get() || server.clock().millis() - since < WRITE_TIMEOUT.toMillis()) {
            return false;
        }
        LOG.warn("sip node link {} closed: a write made no progress for {} s", flow, WRITE_TIMEOUT.toSeconds());
        close("write timed out", RefusalReason.NODE_LINK_STUCK);
        return true;
    }

    /** Queues one message for the writer; false, without waiting, when the link is gone or its outbox full. */
    @Override
    public boolean send(byte[] bytes) {
        synchronized (outbox) {
            if (closed.get()) {
                return false;
            }
            if (unsentBytes + bytes.length > MAX_UNSENT_BYTES) {
                if (!fullLogged) {
                    fullLogged = true;
                    LOG.warn("sip node link {} refuses messages: more than {} bytes wait for the other node",
                            flow, MAX_UNSENT_BYTES);
                }
                server.refused(RefusalReason.NODE_LINK_FULL);
                return false;
            }
            outbox.add(bytes);
            unsentBytes += bytes.length;
            outbox.notifyAll();
            return true;
        }
    }

    /** True while the writer is inside a write to the socket. */
    boolean writing() {
        return writingSince != 0;
    }

    /** Bytes waiting for the writer. */
    int unsentBytes() {
        synchronized (outbox) {
            return unsentBytes;
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close(String why, RefusalReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pings.cancel(false);
        synchronized (outbox) {
            outbox.clear();
            unsentBytes = 0;
            outbox.notifyAll();
        }
        if (reason != null) {
            server.refused(reason);
        }
        try {
            server.handler().flowClosed(flow, why);
        } catch (RuntimeException e) {
            LOG.error("sip flowClosed for {} failed", flow, e);
        }
        try {
            raw.close();
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
        LOG.info("sip node link {} closed: {}", flow, LogText.of(why));
    }

    @Override
    public void registered() {
        // A link this node opened is counted against no source's cap.
    }
}
