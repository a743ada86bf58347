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
 * link is a handful per node, so it is a blocking socket with a reader thread of its own; it pings
 * (RFC 5626 CRLF) so the other node does not close it as silent.
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
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Flow flow;
    private final ScheduledFuture<?> pings;

    private NodeLink(SipServer server, SSLSocket socket) throws IOException {
        this.server = server;
        this.socket = socket;
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
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            socket.connect(address, (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            SSLParameters parameters = tls.getDefaultSSLParameters();
            parameters.setProtocols(ServerTls.PROTOCOLS);
            parameters.setCipherSuites(ServerTls.CIPHER_SUITES);
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            NodeLink link = new NodeLink(server, socket);
            Thread reader = new Thread(link::read, "sip-node-link-" + address.getPort());
            reader.setDaemon(true);
            reader.start();
            LOG.info("sip node link open {} to {}", link.flow, address);
            return link.flow;
        } catch (IOException | RuntimeException e) {
            socket.close();
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

    private void ping() {
        send("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public synchronized boolean send(byte[] bytes) {
        if (closed.get()) {
            return false;
        }
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            LOG.info("sip node link {} lost while sending: {}", flow, LogText.of(String.valueOf(e.getMessage())));
            close("broken while sending", null);
            return false;
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
        if (reason != null) {
            server.refused(reason);
        }
        try {
            server.handler().flowClosed(flow, why);
        } catch (RuntimeException e) {
            LOG.error("sip flowClosed for {} failed", flow, e);
        }
        try {
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
