package io.hub.pki;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ResourceLeakDetector;
import java.security.KeyManagementException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * netty-tcnative's BoringSSL behind a JSSE {@link SSLContext}, so Jetty and the SIP transport take
 * it as they take the JDK's or Conscrypt's. Conscrypt 2.5 opens a pipe beside every engine, three
 * descriptors a connection; netty-tcnative's engines hold none, one descriptor a connection, with
 * the same native handshake. Server engines only: the hub's own outgoing TLS runs on the JDK's.
 *
 * <p>Engines are of netty's non-counted kind: closing both directions frees the native session at
 * once, and an engine dropped without closing is freed when collected.
 */
final class TcnativeContext extends SSLContextSpi {

    /** Stands for netty-tcnative where JSSE asks for a provider; it is never registered. */
    private static final Provider PROVIDER = new Provider("HubTcnative", "1", "netty-tcnative BoringSSL engines") {
        private static final long serialVersionUID = 1L;
    };

    /** The system property with which netty's tracking of its buffers is chosen. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    static {
        // An engine takes its native buffers and gives them back within each wrap and unwrap, so
        // netty's sampled tracking of them has nothing to find here. It wraps every buffer and takes
        // a stack trace of each one it samples: about 1 % of the hub's CPU in the profile of a
        // kept-alive configuration fetch. A hub started with the property set keeps what it asks for.
        if (System.getProperty(LEAK_DETECTION) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private volatile SslContext netty;

    /** Whether netty-tcnative's native library loads on this machine. */
    static boolean available() {
        return OpenSsl.isAvailable() && OpenSsl.versionString().contains("BoringSSL");
    }

    static SSLContext newContext() {
        return new SSLContext(new TcnativeContext(), PROVIDER, "TLS") {
        };
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
            throws KeyManagementException {
        X509KeyManager keyManager = Arrays.stream(keys == null ? new KeyManager[0] : keys)
                .filter(X509KeyManager.class::isInstance).map(X509KeyManager.class::cast).findFirst()
                .orElseThrow(() -> new KeyManagementException("a server context needs an X.509 key"));
        String alias = serverAlias(keyManager);
        PrivateKey key = keyManager.getPrivateKey(alias);
        X509Certificate[] chain = keyManager.getCertificateChain(alias);
        // The key and chain are set on the native context once; with a key manager netty would
        // convert them again on every handshake.
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                .sslProvider(SslProvider.OPENSSL)
                .protocols(ServerTls.PROTOCOLS)
                .ciphers(List.of(ServerTls.CIPHER_SUITES));
        if (trust != null && trust.length > 0) {
            builder.trustManager(trust[0]);
        }
        try {
            SslContext built = builder.build();
            // BoringSSL makes and rotates the ticket keys; without tickets a TLS 1.3 client cannot resume.
            ((OpenSslSessionContext) built.sessionContext()).setTicketKeys();
            netty = built;
        } catch (SSLException e) {
            throw new KeyManagementException("netty-tcnative refused the server key: " + e.getMessage(), e);
        }
    }

    private static String serverAlias(X509KeyManager keyManager) throws KeyManagementException {
        for (String type : new String[] {"EC", "RSA"}) {
            String[] aliases = keyManager.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                return aliases[0];
            }
        }
        throw new KeyManagementException("the key manager holds no EC or RSA server key");
    }

    private SslContext netty() {
        SslContext context = netty;
        if (context == null) {
            throw new IllegalStateException("the TLS context was not initialised");
        }
        return context;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return new TcnativeEngine((ReferenceCountedOpenSslEngine) netty().newEngine(ByteBufAllocator.DEFAULT));
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return new TcnativeEngine((ReferenceCountedOpenSslEngine) netty().newEngine(ByteBufAllocator.DEFAULT, host,
                port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return netty().sessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw new UnsupportedOperationException("netty-tcnative contexts here are servers' only");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw new UnsupportedOperationException("netty-tcnative makes engines, not sockets");
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw new UnsupportedOperationException("netty-tcnative makes engines, not sockets");
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        SSLEngine engine = engineCreateSSLEngine();
        try {
            return engine.getSSLParameters();
        } finally {
            ServerTls.free(engine);
        }
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        SSLEngine engine = engineCreateSSLEngine();
        try {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(engine.getSupportedProtocols());
            parameters.setCipherSuites(engine.getSupportedCipherSuites());
            return parameters;
        } finally {
            ServerTls.free(engine);
        }
    }
}
