package io.hub.provisioning.http;

import io.hub.provisioning.HttpLimits;
import io.hub.pki.ServerCredentials;
import io.hub.pki.ServerTls;
import io.hub.pki.TlsProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the hub's Jetty HTTPS servers: TLS 1.3 and 1.2 with ECDHE and AEAD suites only, no
 * renegotiation, the server certificate of the hub PKI.
 *
 * <p>On the device side a client certificate is <em>wanted</em>, not required, and any chain is let
 * through the handshake: the PKI's validator judges it afterwards, so a phone with a bad certificate
 * gets a 403 with the reason instead of a bare handshake failure, and the refusal is audited.
 *
 * <p>Each port has a {@link ConnectionGuard} (a header deadline and a cap per source) and a cap of
 * connections in all ({@link HttpLimits}).
 */
public final class HttpsServers {

    /** Request lines and headers beyond this are answered 431 by Jetty before any handler runs. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private HttpsServers() {
    }

    /**
     * A server (not started) listening on {@code host:port} (port 0 picks a free one).
     *
     * @param credentials the server certificate's chain and key
     * @param wantClientCertificate ask clients for a certificate (the device side)
     * @param limits deadlines and connection caps of the port
     * @param tlsProvider the TLS implementation the port runs on
     */
    public static Server create(String name, String host, int port, ServerCredentials credentials,
            boolean wantClientCertificate, Handler handler, HttpLimits limits, TlsProvider tlsProvider, Clock clock,
            MeterRegistry metrics) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName(name);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate serves every name; phones often connect by address, without SNI.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        // A port whose handler answers on the threads that read it (IoThreadAnswers) gets one
        // of them per core: they do that work now, not only the reading. Others keep Jetty's default.
        int selectors = handler.getInvocationType() == Invocable.InvocationType.NON_BLOCKING
                ? Runtime.getRuntime().availableProcessors() : -1;
        AckingSslConnectionFactory ssl = new AckingSslConnectionFactory(
                tls(credentials, wantClientCertificate, tlsProvider), "http/1.1");
        // A native engine reads and writes direct buffers in place; given heap buffers it copies
        // every record into direct memory of its own first, both ways. The JDK's works on arrays.
        boolean direct = tlsProvider != TlsProvider.JDK;
        ssl.setDirectBuffersForEncryption(direct);
        ssl.setDirectBuffersForDecryption(direct);
        ServerConnector connector = new ServerConnector(server, -1, selectors, ssl, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        ConnectionGuard guard = new ConnectionGuard(name, limits, clock, metrics);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setHandler(new RequestDeadlines(guard, handler));
        server.setStopTimeout(5_000);
        return server;
    }

    /** The port the server listens on, once started. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * Gives a started server a renewed certificate: new connections are accepted with it, open
     * connections keep the session they negotiated.
     *
     * @param wantClientCertificate as the server was created with
     * @throws Exception when Jetty cannot reload the context
     */
    public static void reloadCertificate(Server server, ServerCredentials credentials,
            boolean wantClientCertificate) throws Exception {
        for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
            SslConnectionFactory ssl = connector.getConnectionFactory(SslConnectionFactory.class);
            if (ssl != null && ssl.getSslContextFactory() instanceof ProviderTls tls) {
                javax.net.ssl.SSLContext context = ServerTls.context(credentials, wantClientCertificate,
                        tls.provider);
                tls.reload(factory -> factory.setSslContext(context));
            }
        }
    }

    static SslContextFactory.Server tls(ServerCredentials credentials, boolean wantClientCertificate,
            TlsProvider provider) {
        SslContextFactory.Server tls = new ProviderTls(provider);
        tls.setSslContext(ServerTls.context(credentials, wantClientCertificate, provider));
        tls.setIncludeProtocols(ServerTls.PROTOCOLS);
        tls.setIncludeCipherSuites(ServerTls.CIPHER_SUITES);
        tls.setRenegotiationAllowed(false);
        tls.setSniRequired(false);
        tls.setWantClientAuth(wantClientCertificate);
        return tls;
    }

    /** Jetty's TLS settings of a port, with the provider its contexts come from. */
    private static final class ProviderTls extends SslContextFactory.Server {

        final TlsProvider provider;

        ProviderTls(TlsProvider provider) {
            this.provider = provider;
        }

        @Override
        public void customize(javax.net.ssl.SSLEngine engine) {
            super.customize(engine);
            TlsProvider.prepareServerEngine(engine);
        }
    }
}
