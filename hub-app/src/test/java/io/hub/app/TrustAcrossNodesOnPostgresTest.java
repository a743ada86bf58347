package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.DeviceValidation;
import io.hub.pki.MacRule;
import io.hub.pki.PemFiles;
import io.hub.pki.RefusalCause;
import io.hub.pki.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a manufacturer CA trusted on node A's home is trusted by node B, which
 * then accepts a phone certificate it issued; untrusted on A, B refuses it again; a CRL imported on A
 * makes B refuse the certificate it lists and keep accepting the others.
 */
class TrustAcrossNodesOnPostgresTest {

    private static final String PHONE = "CN=Myriad M7,serialNumber=00809FAABBCC,OU=Myriad M7,O=Vendor";
    private static final String OTHER_PHONE = "CN=Myriad M7,serialNumber=00809FAABBCD,OU=Myriad M7,O=Vendor";

    @TempDir
    Path dir;
    private Hub a;
    private Hub b;
    private CertificateAuthority vendor;
    private Path vendorPem;

    @BeforeEach
    void twoNodes() throws Exception {
        ClusterNodes nodes = ClusterNodes.onSharedPostgres(dir);
        a = nodes.start("a");
        nodes.copyHome("a", "b");
        b = nodes.start("b");
        vendor = TestPki.root("CN=Vendor Root,O=Vendor");
        vendorPem = dir.resolve("vendor.pem");
        PemFiles.writeCertificates(vendorPem, List.of(vendor.certificate()));
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    @Test
    void aCaTrustedOnNodeAIsTrustedOnNodeBAndUntrustedThereWhenUntrustedOnA() throws Exception {
        X509Certificate phone = TestPki.leaf(PHONE).issuedBy(vendor);
        assertEquals(Optional.of(RefusalCause.UNKNOWN_ISSUER), validateOn(b, phone).refusal(),
                "node B does not know the vendor yet");

        a.pki().trust(vendorPem, Optional.of("vendor"), MacRule.SERIAL, false);

        await(() -> validateOn(b, phone).isAccepted(), "node B accepts the vendor's phone");
        assertEquals("vendor", validateOn(b, phone).identityOrThrow().issuer());

        a.pki().untrust("vendor");

        await(() -> !validateOn(b, phone).isAccepted(), "node B refuses the vendor's phone again");
        assertEquals(Optional.of(RefusalCause.UNKNOWN_ISSUER), validateOn(b, phone).refusal());
        assertTrue(b.pki().trusted().untrusted().stream().anyMatch(u -> u.name().equals("vendor")),
                "node B records the vendor as untrusted, so no init trusts it again");
    }

    @Test
    void aCrlImportedOnNodeARefusesTheRevokedCertificateOnNodeB() throws Exception {
        X509Certificate phone = TestPki.leaf(PHONE).issuedBy(vendor);
        X509Certificate revoked = TestPki.leaf(OTHER_PHONE).issuedBy(vendor);
        a.pki().trust(vendorPem, Optional.of("vendor"), MacRule.SERIAL, false);
        await(() -> validateOn(b, revoked).isAccepted(), "node B accepts the vendor's phones");
        Instant now = Instant.now();
        Path crl = dir.resolve("vendor.crl");
        Files.writeString(crl, PemFiles.toPem(TestPki.crl(vendor, BigInteger.ONE, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(7)), revoked.getSerialNumber())));

        a.pki().importCrl("vendor", crl);

        await(() -> !validateOn(b, revoked).isAccepted(), "node B refuses the certificate A's CRL lists");
        assertEquals(Optional.of(RefusalCause.REVOKED), validateOn(b, revoked).refusal());
        assertTrue(validateOn(b, phone).isAccepted(), "the vendor's other phone stays accepted on B");
        assertFalse(b.pki().importedCrls().isEmpty(), "node B holds the CRL in its own PKI");

        a.pki().untrust("vendor");
        await(() -> !validateOn(b, phone).isAccepted(), "node B follows the untrust");
        a.pki().trust(vendorPem, Optional.of("vendor"), MacRule.SERIAL, false);
        await(() -> validateOn(b, phone).isAccepted(), "node B follows the trust again");
        assertTrue(validateOn(b, revoked).isAccepted(), "the CRL went with the untrust, on every node");
        assertTrue(a.provisioning().sharedTrust().crls().isEmpty(), "and from the database");
    }

    private static DeviceValidation validateOn(Hub node, X509Certificate phone) {
        return node.pki().validator().validate(List.of(phone), Optional.empty());
    }

    /** Waits for what the nodes do on their own threads; bounded, and a failure says what was awaited. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
