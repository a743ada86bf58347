package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node peer is told from a phone, and from a stranger, by the hub CA and the node certificate's profile. */
class NodeTlsTest {

    @TempDir
    Path home;
    private HubPki pki;
    private X509Certificate hubCa;

    @BeforeEach
    void aPki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "node-a"));
        hubCa = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
    }

    @Test
    void theClustersServerCertificateIsANodeCertificate() {
        assertTrue(NodeTls.isNodeCertificate(PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE)), hubCa,
                Instant.now()));
    }

    @Test
    void anotherClustersServerCertificateIsNot() {
        HubPki other = HubPki.at(home.resolve("other"), Clock.systemUTC());
        other.init(KeyType.EC_P256, List.of("localhost", "node-a"));

        assertFalse(NodeTls.isNodeCertificate(PemFiles.readCertificates(other.file(HubPki.SERVER_CERTIFICATE)), hubCa,
                Instant.now()));
    }

    @Test
    void aPhonesCertificateIsNot() {
        pki.issueDeviceCertificate(new DeviceCertificateRequest(MacAddress.parse("00809faabbcc"), "Myriad M7",
                MacPlacement.SERIAL, Duration.ofDays(90), Optional.empty(), KeyType.EC_P256), home.resolve("phone"));

        assertFalse(NodeTls.isNodeCertificate(PemFiles.readCertificates(home.resolve("phone").resolve("cert.pem")),
                hubCa, Instant.now()));
    }

    @Test
    void theHubCaItselfNoChainAndAnExpiredNodeCertificateAreNot() {
        List<X509Certificate> node = PemFiles.readCertificates(pki.file(HubPki.SERVER_CERTIFICATE));

        assertFalse(NodeTls.isNodeCertificate(List.of(hubCa), hubCa, Instant.now()));
        assertFalse(NodeTls.isNodeCertificate(List.of(), hubCa, Instant.now()));
        assertFalse(NodeTls.isNodeCertificate(node, hubCa, node.get(0).getNotAfter().toInstant().plusSeconds(1)));
    }
}
