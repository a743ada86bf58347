package io.hub.provisioning.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A kept fingerprint is the certificate's own, for each object, copies of one certificate included. */
class KeptFingerprintsTest {

    private static String sha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    @Test
    void eachCertificateGetsItsOwnFingerprintAsOftenAsItIsAsked() throws Exception {
        CertificateAuthority ca = TestPki.root("CN=Kept Fingerprints CA");
        X509Certificate one = TestPki.leaf("CN=one").issuedBy(ca);
        X509Certificate two = TestPki.leaf("CN=two").issuedBy(ca);

        for (int i = 0; i < 3; i++) {
            assertEquals(sha256(one), KeptFingerprints.sha256(one));
            assertEquals(sha256(two), KeptFingerprints.sha256(two));
        }
        assertNotEquals(KeptFingerprints.sha256(one), KeptFingerprints.sha256(two));
    }

    @Test
    void aCopyOfACertificateIsFingerprintedTheSame() throws Exception {
        X509Certificate original = TestPki.leaf("CN=copied").issuedBy(TestPki.root("CN=Copy CA"));
        X509Certificate copy = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(original.getEncoded()));

        assertEquals(KeptFingerprints.sha256(original), KeptFingerprints.sha256(copy));
        assertEquals(sha256(original), KeptFingerprints.sha256(copy));
    }
}
