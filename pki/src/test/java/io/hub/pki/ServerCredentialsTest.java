package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server certificate and its key are read as one pair: a pair that is none (the new key beside
 * the old certificate, as two reads straddling a renewal find them) is never given to a port, whose
 * every handshake it would fail with an internal_error alert.
 */
class ServerCredentialsTest {

    @TempDir
    Path home;
    private HubPki pki;

    @BeforeEach
    void aPki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
    }

    @Test
    void theFilesOfOneIssueAreOnePair() {
        ServerCredentials read = pki.serverCredentials();

        assertTrue(read.keyMatches());
        assertEquals(PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)), read.chain());
        assertEquals(2, read.chain().size(), "the leaf and the hub CA");
        assertEquals(Fingerprints.sha256(read.leaf()), read.fingerprint());
    }

    @Test
    void theOldCertificateBesideARenewedKeyIsRefusedWithBothFilesNamed() throws Exception {
        Path old = renewedKeepingTheOldCertificate();
        Files.copy(old, pki.file(HubPki.SERVER_CERTIFICATE), StandardCopyOption.REPLACE_EXISTING);

        PkiException refused = assertThrows(PkiException.class, pki::serverCredentials);
        assertTrue(refused.getMessage().contains(pki.file(HubPki.SERVER_KEY) + " is not the key of the certificate in "
                + pki.file(HubPki.SERVER_CERTIFICATE)), refused.getMessage());
        assertFalse(new ServerCredentials(PemFiles.readCertificates(old),
                PemFiles.readPrivateKey(pki.file(HubPki.SERVER_KEY))).keyMatches());
    }

    /** Before, such a context was built and failed each handshake; now none is built. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void noTlsContextIsBuiltFromAPairThatIsNone(TlsProvider provider) throws Exception {
        Path old = renewedKeepingTheOldCertificate();

        assertThrows(PkiException.class, () -> ServerTls.context(old, pki.file(HubPki.SERVER_KEY), true, provider));
        SSLEngine server = HubTlsEngines.server(pki, provider, false);
        SSLEngine client = HubTlsEngines.clientTrustingHubCa(pki, null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        InMemoryHandshake.run(client, server);
        assertEquals(pki.serverCredentials().leaf(), client.getSession().getPeerCertificates()[0]);
    }

    /** Renews the server certificate and key; returns where a copy of the certificate before it is. */
    private Path renewedKeepingTheOldCertificate() throws Exception {
        Path old = home.resolve("old-server.pem");
        Files.copy(pki.file(HubPki.SERVER_CERTIFICATE), old);
        pki.renewServerCertificate(List.of("renewed.hub.test"));
        return old;
    }

    /** Renewals one after another while the pair is read: every pair read is one. */
    @Test
    void readsDuringRenewalsGetMatchingPairs() throws Exception {
        ExecutorService renewer = Executors.newSingleThreadExecutor();
        Future<Integer> renewals = renewer.submit(() -> {
            int renewed = 0;
            for (; renewed < 60; renewed++) {
                pki.renewServerCertificate(List.of());
            }
            return renewed;
        });
        List<X509Certificate> leaves = new ArrayList<>();
        try {
            for (int read = 0; read < 400 && !renewals.isDone(); read++) {
                ServerCredentials pair = pki.serverCredentials();
                assertTrue(pair.keyMatches(), "read " + read + " gave a key that is not its certificate's");
                if (leaves.isEmpty() || !leaves.get(leaves.size() - 1).equals(pair.leaf())) {
                    leaves.add(pair.leaf());
                }
            }
            assertEquals(60, renewals.get(60, TimeUnit.SECONDS));
        } finally {
            renewer.shutdownNow();
        }
        assertTrue(leaves.size() > 1, "the reads saw renewals happen: " + leaves.size() + " certificates");
        assertTrue(pki.serverCredentials().keyMatches());
    }
}
