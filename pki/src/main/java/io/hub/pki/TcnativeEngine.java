package io.hub.pki;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * netty-tcnative's server engine, saying when its handshake is over. Its unwrap reports the
 * handshake status from before the record it was given: the one that carries the client's Finished
 * comes back {@code NEED_UNWRAP} although BoringSSL is done, and only the next call, which needs more
 * bytes from the client, reports {@code FINISHED}. A server then waits for the client's first
 * request to learn that the handshake ended, and a client that keeps Nagle's algorithm on holds that
 * request until its Finished is acknowledged: 40 ms per connection, the kernel's delayed
 * acknowledgement. Here, an unwrap after which BoringSSL is out of its handshake asks for a wrap,
 * as the JDK's and Conscrypt's engines do; the wrap reports {@code FINISHED}.
 */
final class TcnativeEngine extends SSLEngine {

    private final ReferenceCountedOpenSslEngine engine;
    /** Set by the unwrap after which BoringSSL is out of its handshake, until the wrap that reports it. */
    private volatile boolean finishedUntold;

    TcnativeEngine(ReferenceCountedOpenSslEngine engine) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        SSLEngineResult result = engine.unwrap(src, dsts, offset, length);
        // Asked only after a record was read: before the first one BoringSSL is not in its handshake yet either.
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP && result.bytesConsumed() > 0
                && handshakeOver()) {
            finishedUntold = true;
            return new SSLEngineResult(result.getStatus(), HandshakeStatus.NEED_WRAP, result.bytesConsumed(),
                    result.bytesProduced());
        }
        return result;
    }

    @Override
    public HandshakeStatus getHandshakeStatus() {
        HandshakeStatus status = engine.getHandshakeStatus();
        return finishedUntold && status == HandshakeStatus.NEED_UNWRAP ? HandshakeStatus.NEED_WRAP : status;
    }

    /** True when BoringSSL finished the handshake the engine still reports under way. */
    private boolean handshakeOver() {
        // The engine's methods hold its monitor, so it cannot free its session between these calls.
        synchronized (engine) {
            long ssl = engine.sslPointer();
            return ssl != 0 && SSL.isInInit(ssl) == 0;
        }
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        SSLEngineResult result = engine.wrap(srcs, offset, length, dst);
        finishedUntold = false;
        return result;
    }

    @Override
    public Runnable getDelegatedTask() {
        return engine.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        engine.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        engine.beginHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean enable) {
        engine.setEnableSessionCreation(enable);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        engine.setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return engine.getHandshakeApplicationProtocolSelector();
    }
}
