package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The servers' TLS context: its key is decoded once, and it serves both TLS versions it allows. */
class ServerTlsTest {

    @TempDir
    Path home;
    private HubPki pki;

    @BeforeEach
    void aPki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
    }

    @Test
    void theKeyIsHeldNotOpenedAgainPerHandshake() throws Exception {
        X509KeyManager keys = (X509KeyManager) HeldKey.managers("hub", PemFiles.readPrivateKey(
                pki.file(HubPki.SERVER_KEY)), PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)))[0];

        String alias = keys.chooseServerAlias("EC", null, null);
        assertNotNull(alias, "the EC key is offered");
        // The same object each time: a key manager that opened its store entry per handshake would
        // decrypt (PBKDF2) and build a new key on every call.
        assertSame(keys.getPrivateKey(alias), keys.getPrivateKey(alias));
        assertEquals(PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)), List.of(keys
                .getCertificateChain(alias)));
        assertEquals(null, keys.chooseServerAlias("RSA", null, null), "no RSA key to offer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientTrustingTheHubCaCompletesAHandshake(String protocol) throws Exception {
        SSLContext server = ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY),
                false);
        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listening.setSSLParameters(ServerTls.parameters(server, false));
            Thread answering = new Thread(() -> {
                try (SSLSocket accepted = (SSLSocket) listening.accept()) {
                    accepted.getOutputStream().write(accepted.getSession().getProtocol()
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception ignored) {
                    // the client's assertion says what went wrong
                }
            });
            answering.start();
            try (SSLSocket client = (SSLSocket) trustingHubCa().getSocketFactory().createSocket(
                    InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
                client.setEnabledProtocols(new String[] {protocol});
                client.setSoTimeout(30_000);
                InputStream in = client.getInputStream();
                assertEquals(protocol, new String(in.readNBytes(protocol.length()), StandardCharsets.US_ASCII));
                X509Certificate leaf = (X509Certificate) client.getSession().getPeerCertificates()[0];
                assertEquals(PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)).get(0), leaf);
            }
            answering.join(30_000);
        }
    }

    private SSLContext trustingHubCa() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("hub-ca", PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
