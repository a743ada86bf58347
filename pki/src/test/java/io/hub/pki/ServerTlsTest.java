package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The servers' TLS context: its key is decoded once, and it serves both TLS versions it allows on
 * either provider.
 */
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
    @CsvSource({"TLSv1.3, JDK", "TLSv1.2, JDK", "TLSv1.3, CONSCRYPT", "TLSv1.2, CONSCRYPT", "TLSv1.3, TCNATIVE",
        "TLSv1.2, TCNATIVE"})
    void aClientTrustingTheHubCaCompletesAHandshake(String protocol, TlsProvider provider) throws Exception {
        SSLEngine serverEngine = HubTlsEngines.server(pki, provider, false);
        SSLEngine client = HubTlsEngines.clientTrustingHubCa(pki, null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});

        InMemoryHandshake.run(client, serverEngine);

        assertEquals(protocol, serverEngine.getSession().getProtocol());
        X509Certificate leaf = (X509Certificate) client.getSession().getPeerCertificates()[0];
        assertEquals(PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)).get(0), leaf);
    }

    /** The device port's set-up: a client certificate wanted, any chain let through to be judged after. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aPhonesCertificateReachesTheServer(TlsProvider provider) throws Exception {
        DeviceCertificates.IssuedCertificate phone = pki.issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse("00809f0c0003"), "Myriad M7"), home.resolve("phone"));
        SSLEngine serverEngine = HubTlsEngines.server(pki, provider, true);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("phone", phone.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {phone.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "x".toCharArray());
        SSLContext clientContext = HubTlsEngines.clientTrustingHubCa(pki, keyManagers);
        SSLEngine client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);

        InMemoryHandshake.run(client, serverEngine);

        assertEquals("TLSv1.3", serverEngine.getSession().getProtocol());
        assertEquals(phone.certificate(), serverEngine.getSession().getPeerCertificates()[0]);
    }

    /**
     * Once the server has read the client's last handshake flight, it knows the handshake is over
     * without more input: it asks to wrap (and the wrap says FINISHED). A server that asked for more
     * would learn it only with the client's first request, which a client with Nagle's algorithm on
     * holds until its Finished is acknowledged (netty-tcnative's engine, unwrapped, did that).
     */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void theServerKnowsItsHandshakeIsOverOnTheClientsLastFlight(TlsProvider provider) throws Exception {
        SSLEngine server = HubTlsEngines.server(pki, provider, true);
        SSLEngine client = HubTlsEngines.clientTrustingHubCa(pki, null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        for (int round = 0; round < 10; round++) {
            client.wrap(ByteBuffer.allocate(0), toServer);
            InMemoryHandshake.tasks(client);
            boolean clientDone = client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
            toServer.flip();
            while (toServer.hasRemaining() && server.unwrap(toServer, app).bytesConsumed() > 0) {
                InMemoryHandshake.tasks(server);
            }
            toServer.compact();
            if (clientDone) {
                assertEquals(HandshakeStatus.NEED_WRAP, server.getHandshakeStatus(), "after the client's Finished");
                assertEquals(HandshakeStatus.FINISHED, server.wrap(ByteBuffer.allocate(0), toClient)
                        .getHandshakeStatus());
                return;
            }
            server.wrap(ByteBuffer.allocate(0), toClient);
            toClient.flip();
            while (toClient.hasRemaining() && client.unwrap(toClient, app).bytesConsumed() > 0) {
                InMemoryHandshake.tasks(client);
            }
            toClient.compact();
        }
        throw new AssertionError("the client never finished its handshake");
    }
}
