package io.hub.sip.transport;

import io.hub.pki.ServerTls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A connection's TLS: the {@link SSLEngine}, made on the first bytes (a connection that never
 * starts TLS costs no engine), and the records it reads and writes. What to do with them (the
 * handshake's turns, the phase of the connection) is {@link Connection}'s; wrapping runs under its
 * lock, so records leave in the order they were made.
 */
final class TlsSession {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    /** Where records go: the connection's output. */
    interface RecordSink {
        void write(ByteBuffer records) throws IOException;
    }

    private final SipServer.Endpoint endpoint;
    /** The sending thread's scratch buffer of at least the given size. */
    private final IntFunction<ByteBuffer> wrapBuffers;
    private volatile SSLEngine engine;
    /**
     * The session's buffer sizes, kept once its handshake finished: a session computes them anew on
     * each call (netty's engine, a twentieth of a registrar worker's time), and they do not change
     * after the handshake. Zero until then.
     */
    private volatile int packetSize;
    private volatile int applicationSize;

    TlsSession(SipServer.Endpoint endpoint, IntFunction<ByteBuffer> wrapBuffers) {
        this.endpoint = endpoint;
        this.wrapBuffers = wrapBuffers;
    }

    /** On the loop thread: decrypts what it can of {@code net} into {@code app}. */
    SSLEngineResult unwrap(ByteBuffer net, ByteBuffer app) throws SSLException {
        return engine().unwrap(net, app);
    }

    /** The size the application buffer must have for one record. */
    int applicationBufferSize() {
        int kept = applicationSize;
        return kept > 0 ? kept : engine().getSession().getApplicationBufferSize();
    }

    /** The handshake finished: the session's sizes are kept from now on. */
    void handshakeFinished() {
        SSLSession session = engine.getSession();
        packetSize = session.getPacketBufferSize();
        applicationSize = session.getApplicationBufferSize();
    }

    /** Encrypts all of {@code bytes} into records for {@code sink}. */
    void send(byte[] bytes, RecordSink sink) throws IOException {
        ByteBuffer app = ByteBuffer.wrap(bytes);
        do {
            ByteBuffer out = packetBuffer();
            SSLEngineResult result = engine.wrap(app, out);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("cannot send: TLS " + result.getStatus());
            }
            out.flip();
            sink.write(out);
        } while (app.hasRemaining());
    }

    /** Writes the handshake message the engine has ready; its status afterwards. */
    HandshakeStatus wrapHandshake(RecordSink sink) throws IOException {
        ByteBuffer out = packetBuffer();
        SSLEngineResult result = engine.wrap(NOTHING, out);
        out.flip();
        sink.write(out);
        return result.getHandshakeStatus();
    }

    /** What the engine sends as it closes: close_notify, or the alert it has for the peer. */
    ByteBuffer closingRecords() throws SSLException {
        engine.closeOutbound();
        ByteBuffer out = packetBuffer();
        engine.wrap(NOTHING, out);
        out.flip();
        return out;
    }

    /** As the connection closes: frees the engine's native state now, not when it is collected. */
    void release() {
        SSLEngine current = engine;
        if (current != null) {
            ServerTls.free(current);
        }
    }

    /** True once the engine exists, that is once the peer sent its first bytes. */
    boolean started() {
        return engine != null;
    }

    HandshakeStatus handshakeStatus() {
        return engine.getHandshakeStatus();
    }

    /** The key exchange's and certificate checks' delegated work, run as one task off the loop. */
    Runnable delegatedTasks() {
        SSLEngine current = engine;
        return () -> {
            for (Runnable task = current.getDelegatedTask(); task != null; task = current.getDelegatedTask()) {
                task.run();
            }
        };
    }

    /** True when a finished handshake is asked to move again: only a TLS 1.2 renegotiation does that. */
    boolean renegotiating(HandshakeStatus status) {
        return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED
                && "TLSv1.2".equals(engine.getSession().getProtocol());
    }

    String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** The client's certificate chain, leaf first; empty when it showed none. */
    List<X509Certificate> peerChain() {
        SSLSession session = engine.getSession();
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private SSLEngine engine() {
        if (engine == null) {
            engine = endpoint.newEngine();
        }
        return engine;
    }

    private ByteBuffer packetBuffer() {
        int kept = packetSize;
        ByteBuffer out = wrapBuffers.apply(kept > 0 ? kept : engine.getSession().getPacketBufferSize());
        out.clear();
        return out;
    }
}
