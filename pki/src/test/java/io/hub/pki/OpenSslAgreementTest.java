package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openssl verify} and our validator judge the same chains alike: the good ones pass both,
 * and the bad ones that openssl can judge (dates, issuer, signature, purpose, CRL) fail both.
 */
class OpenSslAgreementTest {

    private static final MacAddress MAC = MacAddress.parse("00809faabbcc");

    @TempDir
    Path dir;

    private HubPki pki;
    private CertificateAuthority root;
    private CertificateAuthority intermediate;

    @BeforeEach
    void setUp() {
        pki = HubPki.at(dir.resolve("pki"), Clock.fixed(TestPki.NOW, ZoneOffset.UTC));
        pki.init(KeyType.EC_P256, List.of("localhost"));
        root = TestPki.root("CN=Vendor Root,O=Vendor");
        intermediate = TestPki.intermediate(root, "CN=Vendor Devices,O=Vendor");
        Path rootFile = dir.resolve("root.pem");
        PemFiles.writeCertificates(rootFile, List.of(root.certificate()));
        pki.trust(rootFile, Optional.of("vendor"), MacRule.CN, false);
    }

    @Test
    void aGoodChainThroughAnIntermediatePassesBoth() throws Exception {
        X509Certificate leaf = TestPki.leaf("CN=00809faabbcc,OU=Myriad M8,O=Vendor").issuedBy(intermediate);

        assertBothAccept(leaf, List.of(intermediate.certificate()), root.certificate());
    }

    @Test
    void aDevelopmentPhoneCertificatePassesBoth() throws Exception {
        X509Certificate leaf = pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"),
                dir.resolve("phone")).certificate();

        assertBothAccept(leaf, List.of(), pki.devManufacturerCa().certificate());
    }

    @Test
    void badChainsFailBoth() throws Exception {
        List<X509Certificate> bad = List.of(
                TestPki.leaf("CN=00809faabbcc").validity(TestPki.NOW.minus(Duration.ofDays(30)),
                        TestPki.NOW.minus(Duration.ofDays(1))).issuedBy(intermediate),
                TestPki.leaf("CN=00809faabbcc").validity(TestPki.NOW.plus(Duration.ofDays(1)),
                        TestPki.NOW.plus(Duration.ofDays(30))).issuedBy(intermediate),
                TestPki.leaf("CN=00809faabbcc").purposes(KeyPurposeId.id_kp_serverAuth).issuedBy(intermediate),
                TestPki.leaf("CN=00809faabbcc").issuedBy(TestPki.intermediate(TestPki.root("CN=Vendor Root,O=Vendor"),
                        "CN=Vendor Devices,O=Vendor")),
                TestPki.leaf("CN=00809faabbcc").issuedBy(TestPki.root("CN=Someone Else")));
        List<RefusalCause> causes = List.of(RefusalCause.EXPIRED, RefusalCause.NOT_YET_VALID,
                RefusalCause.MISSING_CLIENT_AUTH, RefusalCause.BAD_SIGNATURE, RefusalCause.UNKNOWN_ISSUER);
        for (int i = 0; i < bad.size(); i++) {
            X509Certificate leaf = bad.get(i);
            DeviceValidation ours = pki.validator().validate(List.of(leaf, intermediate.certificate()),
                    Optional.of(MAC));
            assertEquals(Optional.of(causes.get(i)), ours.refusal(), ours.toString());
            assertFalse(openSslVerify(leaf, List.of(intermediate.certificate()), root.certificate(), List.of()),
                    leaf.getSubjectX500Principal() + " accepted by openssl");
        }
    }

    @Test
    void theAnchorsOwnPathLengthAndNameConstraintsFailBoth() throws Exception {
        CertificateAuthority strict = TestPki.root("CN=Strict Root,O=Strict", 0);
        CertificateAuthority below = TestPki.intermediate(strict, "CN=Strict Devices,O=Strict");
        CertificateAuthority plainRoot = TestPki.root("CN=Constrained Root,O=Vendor");
        NameConstraints onlyVendor = new NameConstraints(
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(new X500Name("O=Vendor")))}, null);
        CertificateAuthority constrained = new CertificateAuthority(TestPki.rebuild(plainRoot.certificate(),
                plainRoot.privateKey(), "SHA256withECDSA",
                builder -> builder.addExtension(Extension.nameConstraints, true, onlyVendor)), plainRoot.privateKey());
        for (CertificateAuthority ca : List.of(strict, constrained)) {
            Path file = dir.resolve("anchor.pem");
            PemFiles.writeCertificates(file, List.of(ca.certificate()));
            pki.trust(file, Optional.empty(), MacRule.CN, false);
        }
        X509Certificate tooDeep = TestPki.leaf("CN=00809faabbcc").issuedBy(below);
        X509Certificate outside = TestPki.leaf("CN=00809faabbcc,O=Other").issuedBy(constrained);

        assertEquals(Optional.of(RefusalCause.INVALID_CHAIN), pki.validator()
                .validate(List.of(tooDeep, below.certificate()), Optional.of(MAC)).refusal());
        assertFalse(openSslVerify(tooDeep, List.of(below.certificate()), strict.certificate(), List.of()));
        assertEquals(Optional.of(RefusalCause.INVALID_CHAIN),
                pki.validator().validate(List.of(outside), Optional.of(MAC)).refusal());
        assertFalse(openSslVerify(outside, List.of(), constrained.certificate(), List.of()));
        assertBothAccept(TestPki.leaf("CN=00809faabbcc,O=Vendor").issuedBy(constrained), List.of(),
                constrained.certificate());
    }

    @Test
    void aCertificateRevokedInOurCrlFailsBoth() throws Exception {
        X509Certificate leaf = pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"),
                dir.resolve("phone")).certificate();
        pki.revokeCertificate(leaf, RevocationList.Reason.KEY_COMPROMISE);

        assertFalse(pki.validator().validate(List.of(leaf), Optional.of(MAC)).isAccepted());
        assertFalse(openSslVerify(leaf, List.of(), pki.devManufacturerCa().certificate(),
                List.of("-crl_check", "-extended_crl", "-CRLfile", pki.file(HubPki.CRL).toString())));
        assertTrue(openSslVerify(pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"),
                        dir.resolve("renewed")).certificate(), List.of(), pki.devManufacturerCa().certificate(),
                List.of("-crl_check", "-extended_crl", "-CRLfile", pki.file(HubPki.CRL).toString())),
                "openssl reads the development CA's CRL in crl.pem and passes a certificate it does not list");
    }

    private void assertBothAccept(X509Certificate leaf, List<X509Certificate> intermediates, X509Certificate anchor)
            throws Exception {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(intermediates);
        DeviceValidation ours = pki.validator().validate(chain, Optional.of(MAC));
        assertTrue(ours.isAccepted(), ours.toString());
        assertTrue(openSslVerify(leaf, intermediates, anchor, List.of()), "openssl refused a chain we accept");
    }

    /** Runs {@code openssl verify} at the test's instant; the hub CA is trusted too, as the CRL's signer. */
    private boolean openSslVerify(X509Certificate leaf, List<X509Certificate> intermediates, X509Certificate anchor,
            List<String> extra) throws IOException, InterruptedException {
        Path anchors = dir.resolve("anchors.pem");
        PemFiles.writeCertificates(anchors, List.of(anchor, pki.hubCa().certificate()));
        Path leafFile = dir.resolve("leaf.pem");
        PemFiles.writeCertificates(leafFile, List.of(leaf));
        List<String> command = new ArrayList<>(List.of("openssl", "verify", "-attime",
                String.valueOf(TestPki.NOW.getEpochSecond()), "-purpose", "sslclient", "-CAfile", anchors.toString()));
        if (!intermediates.isEmpty()) {
            Path untrusted = dir.resolve("untrusted.pem");
            PemFiles.writeCertificates(untrusted, intermediates);
            command.addAll(List.of("-untrusted", untrusted.toString()));
        }
        command.addAll(extra);
        command.add(leafFile.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl verify did not finish");
        boolean ok = process.exitValue() == 0;
        assertEquals(ok, output.strip().endsWith(": OK"), output);
        return ok;
    }
}
