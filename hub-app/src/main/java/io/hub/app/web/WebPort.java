package io.hub.app.web;

import io.hub.pki.ServerCredentials;
import io.hub.pki.ServerTls;
import io.hub.pki.TlsProvider;
import io.hub.sip.SipService;
import io.hub.sip.WebPortLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The web port browsers use: {@code wss://HOST:WEBPORT/sip}, SIP over WebSocket (RFC 7118) into the
 * same registrar as SIP-TLS; the softphone page at {@code /phone/} and its TURN credentials at
 * {@code /phone/turn}. It presents the hub's server certificate and asks for no client
 * certificate: a browser would show its user a certificate picker, and softphones are admitted by
 * the registrar's digest.
 */
public final class WebPort implements AutoCloseable {

    private final Server jetty;
    private final ServerConnector connector;

    private WebPort(Server jetty, ServerConnector connector) {
        this.jetty = jetty;
        this.connector = connector;
    }

    /**
     * Listens on {@code bind:port} (0 picks a free port) and serves {@code sip}'s WebSocket endpoint,
     * its connections held to {@code limits} (deadlines on {@code clock}, refusals counted in {@code metrics}),
     * and the softphone page with its TURN offer ({@code softphones}).
     *
     * @throws Exception when the port cannot be bound or Jetty does not start
     */
    public static WebPort start(InetAddress bind, int port, ServerCredentials credentials, SipService sip,
            WebPortLimits limits, Clock clock, MeterRegistry metrics, Softphones softphones) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("web");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate serves every name; a tester may open the page by address.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(ServerTls.context(credentials, false, TlsProvider.JDK));
        tls.setIncludeProtocols(ServerTls.PROTOCOLS);
        tls.setIncludeCipherSuites(ServerTls.CIPHER_SUITES);
        tls.setRenegotiationAllowed(false);
        tls.setSniRequired(false);
        tls.setWantClientAuth(false);
        tls.setNeedClientAuth(false);
        ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(bind.getHostAddress());
        connector.setPort(port);
        jetty.addConnector(connector);
        org.eclipse.jetty.server.Handler.Wrapper webSockets = sip.webSocketHandler(jetty, connector, limits, clock, metrics);
        // /phone/turn before /phone/: the page's files are everything else under /phone/.
        webSockets.setHandler(new org.eclipse.jetty.server.Handler.Sequence(
                new TurnOffer(softphones.turn(), softphones.accounts(), softphones.clock()), new PhonePage()));
        jetty.setHandler(webSockets);
        jetty.setStopTimeout(5_000);
        jetty.start();
        return new WebPort(jetty, connector);
    }

    /**
     * Serves a renewed server certificate to new connections; open WebSockets keep their session.
     *
     * @throws Exception when Jetty cannot reload the context
     */
    public void replaceCertificate(ServerCredentials credentials) throws Exception {
        javax.net.ssl.SSLContext context = ServerTls.context(credentials, false, TlsProvider.JDK);
        connector.getConnectionFactory(SslConnectionFactory.class).getSslContextFactory()
                .reload(factory -> factory.setSslContext(context));
    }

    /**
     * What the softphone page needs from the hub: the accounts its TURN endpoint checks a digest
     * against, and the TURN servers with their shared secret when a deployment has them.
     */
    public record Softphones(io.hub.sip.SipAccounts accounts, java.util.Optional<TurnCredentials> turn,
            java.time.Clock clock) {
    }

    /** The port listened on. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
