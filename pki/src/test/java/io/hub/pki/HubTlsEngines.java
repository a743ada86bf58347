package io.hub.pki;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two ends of a TLS test in memory ({@link InMemoryHandshake}): a server engine as the hub's
 * ports make them, and a client context that trusts the hub CA.
 */
public final class HubTlsEngines {

    private HubTlsEngines() {
    }

    /** A server engine on {@code provider} with the hub's certificate; {@code wantClient} asks for the phone's. */
    public static SSLEngine server(HubPki pki, TlsProvider provider, boolean wantClient) {
        SSLContext server = ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY),
                wantClient, provider);
        SSLEngine engine = server.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(ServerTls.parameters(server, wantClient));
        TlsProvider.prepareServerEngine(engine);
        return engine;
    }

    /** The JDK's TLS trusting the hub CA alone, with {@code keys} as the client's certificate (or none). */
    public static SSLContext clientTrustingHubCa(HubPki pki, KeyManagerFactory keys) throws Exception {
        return clientTrusting(PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), keys);
    }

    /** The JDK's TLS trusting {@code ca} alone, with {@code keys} as the client's certificate (or none). */
    public static SSLContext clientTrusting(X509Certificate ca, KeyManagerFactory keys) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("hub-ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
