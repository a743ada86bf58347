package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubPkiTest {

    private static final List<String> NAMES = List.of("localhost", "127.0.0.1", "::1", "hub.example.test");
    private static final MacAddress MAC = MacAddress.parse("00:80:9f:aa:bb:cc");

    @TempDir
    Path home;

    private HubPki pki;

    @BeforeEach
    void openPki() {
        pki = HubPki.at(home.resolve("pki"), Clock.fixed(TestPki.NOW, ZoneOffset.UTC));
    }

    @Test
    void initCreatesTheHubCaTheServerCertificateTheDevelopmentManufacturerAndAnEmptyCrl() throws Exception {
        HubPki.InitReport report = pki.init(KeyType.EC_P256, NAMES);

        assertEquals(List.of("ca.pem", "server.pem", "dev-manufacturer-ca.pem", "trusted-manufacturers.json",
                "crl.pem"), report.created());
        assertTrue(pki.isInitialised());
        for (String key : List.of("ca.key", "server.key", "dev-manufacturer-ca.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.file(key))), key);
        }
        X509Certificate ca = PemFiles.readCertificate(pki.file("ca.pem"));
        assertTrue(ca.getBasicConstraints() >= 0);
        assertTrue(ca.getPublicKey() instanceof ECPublicKey);
        List<X509Certificate> server = PemFiles.readCertificates(pki.file("server.pem"));
        assertEquals(2, server.size(), "server.pem holds the chain");
        server.get(0).verify(ca.getPublicKey());
        assertEquals(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "hub.example.test"),
                alternativeNames(server.get(0)));
        assertTrue(server.get(0).getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        assertEquals(List.of("dev-manufacturer"),
                pki.trusted().list().stream().map(TrustedManufacturer::name).toList());
        List<X509CRL> crls = crls();
        assertEquals(2, crls.size());
        crls.get(0).verify(pki.devManufacturerCa().certificate().getPublicKey());
        crls.get(1).verify(ca.getPublicKey());
        assertTrue(crls.stream().allMatch(crl -> crl.getRevokedCertificates() == null));
    }

    @Test
    void initTwiceChangesNothing() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Map<Path, byte[]> before = snapshot();

        HubPki.InitReport second = pki.init(KeyType.EC_P256, NAMES);

        assertTrue(second.createdNothing());
        Map<Path, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file.toString()));
    }

    @Test
    void initWarnsWhenTheKeptServerCertificateDoesNotCoverANewName() {
        pki.init(KeyType.EC_P256, NAMES);

        HubPki.InitReport report = pki.init(KeyType.EC_P256, List.of("localhost", "sip.example.test"));

        assertEquals(List.of("server.pem does not cover sip.example.test; it was kept as it is"), report.warnings());
    }

    @Test
    void rsaIsAnOption() {
        pki.init(KeyType.RSA_3072, NAMES);

        RSAPublicKey key = (RSAPublicKey) PemFiles.readCertificate(pki.file("ca.pem")).getPublicKey();
        assertEquals(3072, key.getModulus().bitLength());
    }

    @Test
    void aCertificateWithoutItsKeyStopsInitAndChangesNothing() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Files.delete(pki.file("server.key"));
        Map<Path, byte[]> before = snapshot();

        PkiException e = assertThrows(PkiException.class, () -> pki.init(KeyType.EC_P256, NAMES));

        assertEquals(pki.file("server.pem") + " exists but server.key does not; restore it or move both away "
                + "(nothing was changed)", e.getMessage());
        assertEquals(before.keySet(), snapshot().keySet());
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsRefused() throws IOException {
        Path blocker = Files.writeString(home.resolve("a-file"), "not a directory");
        HubPki blocked = HubPki.at(blocker.resolve("pki"), Clock.systemUTC());

        PkiException e = assertThrows(PkiException.class, () -> blocked.init(KeyType.EC_P256, NAMES));

        assertTrue(e.getMessage().startsWith("cannot write to " + blocker.resolve("pki")), e.getMessage());
    }

    @Test
    void malformedServerNamesAreRefusedBeforeAnythingIsWritten() {
        PkiException e = assertThrows(PkiException.class,
                () -> pki.init(KeyType.EC_P256, List.of("localhost", "bad name!")));

        assertEquals("malformed DNS name 'bad name!' in server names", e.getMessage());
        assertFalse(Files.exists(pki.directory()));
    }

    @Test
    void aDeviceCertificateCarriesTheMacWhereAskedAndItsKeyIsPrivate() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        Path out = home.resolve("phone");

        pki.issueDeviceCertificate(new DeviceCertificateRequest(MAC, "Myriad M7", MacPlacement.SERIAL,
                Duration.ofDays(90), Optional.empty(), KeyType.EC_P256), out);

        X509Certificate certificate = PemFiles.readCertificate(out.resolve("cert.pem"));
        assertEquals("CN=Myriad M7,SERIALNUMBER=00809faabbcc,OU=Myriad M7,O=Emulated Phones",
                readableSubject(certificate));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        assertEquals(Duration.ofDays(90), Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant()));
        certificate.verify(pki.devManufacturerCa().certificate().getPublicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem"))));
        assertEquals(MAC.value(), pki.issuedDevices().get(0).mac());
        assertEquals(certificate.getSerialNumber().toString(16), pki.issuedDevices().get(0).serial());
    }

    @Test
    void trustRefusesAFileThatIsNotPemAndACertificateThatIsNotACa() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Path binary = Files.write(home.resolve("random.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, 0x00});
        Path text = Files.writeString(home.resolve("notes.txt"), "hello\n");
        Path leaf = home.resolve("leaf.pem");
        PemFiles.writeCertificates(leaf, List.of(TestPki.leaf("CN=leaf").issuedBy(TestPki.root("CN=r"))));

        assertEquals(binary + " is not a PEM file (it holds binary data)", assertThrows(PkiException.class,
                () -> pki.trust(binary, Optional.empty(), MacRule.CN, false)).getMessage());
        assertEquals(text + " holds no PEM certificate", assertThrows(PkiException.class,
                () -> pki.trust(text, Optional.empty(), MacRule.CN, false)).getMessage());
        assertEquals(leaf + ": CN=leaf is not a CA certificate (no basicConstraints CA:TRUE)",
                assertThrows(PkiException.class, () -> pki.trust(leaf, Optional.empty(), MacRule.CN, false))
                        .getMessage());
        assertEquals(List.of("dev-manufacturer"),
                pki.trusted().list().stream().map(TrustedManufacturer::name).toList(), "nothing was added");
    }

    @Test
    void trustingTheSameCaTwiceKeepsOneEntryAndTakesTheNewRule() {
        pki.init(KeyType.EC_P256, NAMES);
        Path file = home.resolve("vendor.pem");
        PemFiles.writeCertificates(file, List.of(TestPki.root("CN=ALE Device CA,O=ALE").certificate()));

        assertEquals("ale-device-ca", pki.trust(file, Optional.empty(), MacRule.CN, false).get(0).name());
        pki.trust(file, Optional.empty(), MacRule.SERIAL, true);

        List<TrustedManufacturer> trusted = pki.trusted().list();
        assertEquals(2, trusted.size());
        assertEquals(MacRule.SERIAL, trusted.get(1).macRule());
        assertTrue(trusted.get(1).generic());
    }

    @Test
    void aTrustDecisionFromElsewhereIsTakenUpOnlyWhenLaterThanThisPkisOwn() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        X509Certificate vendor = TestPki.root("CN=Vendor Root,O=Vendor").certificate();
        String fingerprint = Fingerprints.sha256(vendor);
        TrustRecord trusted = new TrustRecord(fingerprint, "vendor", vendor.getEncoded(), "serial", false, true,
                TestPki.NOW.minusSeconds(60));

        assertTrue(pki.adoptTrust(trusted));
        assertFalse(pki.adoptTrust(trusted), "the same decision again changes nothing");
        assertEquals(List.of("dev-manufacturer", "vendor"),
                pki.trusted().list().stream().map(TrustedManufacturer::name).toList());

        assertFalse(pki.adoptTrust(new TrustRecord(fingerprint, "vendor", null, null, false, false,
                TestPki.NOW.minusSeconds(120))), "an untrust older than the trust is ignored");
        assertTrue(pki.adoptTrust(new TrustRecord(fingerprint, "vendor", null, null, false, false,
                TestPki.NOW.minusSeconds(30))));
        assertEquals(List.of("dev-manufacturer"), pki.trusted().list().stream().map(TrustedManufacturer::name)
                .toList(), "a later untrust is taken up");
    }

    @Test
    void aSharedCertificateThatDoesNotMatchItsFingerprintIsRefused() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        X509Certificate vendor = TestPki.root("CN=Vendor Root,O=Vendor").certificate();
        X509Certificate other = TestPki.root("CN=Other Root,O=Other").certificate();

        PkiException refused = assertThrows(PkiException.class, () -> pki.adoptTrust(new TrustRecord(
                Fingerprints.sha256(vendor), "vendor", other.getEncoded(), "serial", false, true, TestPki.NOW)));

        assertEquals("the shared certificate of vendor does not match its fingerprint " + Fingerprints.sha256(vendor),
                refused.getMessage());
        assertEquals(List.of("dev-manufacturer"), pki.trusted().list().stream().map(TrustedManufacturer::name)
                .toList());
    }

    @Test
    void revocationsArePublishedInTheCrlSignedByTheHubCa() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        X509Certificate phone = pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M3"),
                home.resolve("phone")).certificate();
        X509Certificate other = pki.issueDeviceCertificate(DeviceCertificateRequest.of(
                MacAddress.parse("00809f000002"), "Myriad M3"), home.resolve("other")).certificate();

        assertTrue(pki.revokeMac(MAC, RevocationList.Reason.KEY_COMPROMISE));
        assertFalse(pki.revokeMac(MAC, RevocationList.Reason.KEY_COMPROMISE), "revoking twice changes nothing");
        assertTrue(pki.revokeSerial(other.getSerialNumber(), "dev-manufacturer", RevocationList.Reason.SUPERSEDED));

        X509CRL crl = crls().get(0);
        crl.verify(pki.devManufacturerCa().certificate().getPublicKey());
        List<BigInteger> serials = new ArrayList<>();
        for (X509CRLEntry entry : crl.getRevokedCertificates()) {
            serials.add(entry.getSerialNumber());
        }
        assertEquals(java.util.Set.of(phone.getSerialNumber(), other.getSerialNumber()), java.util.Set.copyOf(serials));
        assertEquals(2, serials.size());
        assertTrue(pki.revocations().isRevoked(MAC));
    }

    @Test
    void certificatesOfOtherManufacturersGoInTheHubCasIndirectCrl() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        CertificateAuthority vendor = TestPki.root("CN=Vendor Root,O=Vendor");
        X509Certificate phone = TestPki.leaf("CN=00809faabbcc").issuedBy(vendor);

        pki.revokeCertificate(phone, RevocationList.Reason.KEY_COMPROMISE);

        X509CRL indirect = crls().get(1);
        indirect.verify(pki.hubCa().certificate().getPublicKey());
        X509CRLEntry entry = indirect.getRevokedCertificate(phone);
        assertEquals(phone.getIssuerX500Principal(), entry.getCertificateIssuer());
        assertTrue(indirect.getCriticalExtensionOIDs().contains("2.5.29.28"), "issuingDistributionPoint");
    }

    @Test
    void onceACrlIsIndirectEveryEntryNamesItsIssuer() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        CertificateAuthority vendor = TestPki.root("CN=Vendor Root,O=Vendor");
        X509Certificate phone = TestPki.leaf("CN=00809faabbcc").issuedBy(vendor);
        X509Certificate server = PemFiles.readCertificate(pki.file("server.pem"));

        pki.revokeCertificate(phone, RevocationList.Reason.KEY_COMPROMISE);
        pki.revokeCertificate(server, RevocationList.Reason.UNSPECIFIED);

        X509CRL indirect = crls().get(1);
        assertEquals(phone.getIssuerX500Principal(), indirect.getRevokedCertificate(phone).getCertificateIssuer());
        X509CRLEntry serverEntry = indirect.getRevokedCertificate(server.getSerialNumber());
        // The JDK answers null for "the CRL's own issuer"; without its own certificateIssuer the entry
        // would inherit the vendor from the entry before it.
        assertEquals(null, serverEntry.getCertificateIssuer(), "the hub CA's own entry keeps the hub CA as issuer");
        assertTrue(serverEntry.getCriticalExtensionOIDs().contains("2.5.29.29"), "it names its issuer explicitly");
        assertEquals(null, serverEntry.getRevocationReason(), "unspecified is left out (RFC 5280 5.3.1)");
    }

    @Test
    void aTrustNameMayNotHoldAPath() {
        pki.init(KeyType.EC_P256, NAMES);
        Path file = home.resolve("vendor.pem");
        PemFiles.writeCertificates(file, List.of(TestPki.root("CN=Vendor").certificate()));
        byte[] ca = readBytes(pki.file("ca.pem"));

        PkiException e = assertThrows(PkiException.class,
                () -> pki.trust(file, Optional.of("../ca"), MacRule.CN, false));

        assertEquals("trusted CA name '../ca' must be 1 to 64 lower-case letters, digits or dashes, starting with a "
                + "letter or digit", e.getMessage());
        assertArrayEquals(ca, readBytes(pki.file("ca.pem")));
    }

    @Test
    void initWarnsWhenTheServerCertificateIsNotFromTheCa() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Files.delete(pki.file("ca.pem"));
        Files.delete(pki.file("ca.key"));

        HubPki.InitReport report = pki.init(KeyType.EC_P256, NAMES);

        assertEquals(List.of("ca.pem"), report.created());
        assertTrue(report.warnings().get(0).startsWith("server.pem was not issued by ca.pem"), report.warnings().toString());
    }

    @Test
    void issuingIntoADirectoryThatHoldsAKeyIsRefusedUnlessReplacing() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Path out = home.resolve("phone");
        pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"), out);
        byte[] key = readBytes(out.resolve("key.pem"));

        assertThrows(PkiException.class, () -> pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "M7"), out));
        assertArrayEquals(key, readBytes(out.resolve("key.pem")));
        pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"), out, true);
        assertFalse(java.util.Arrays.equals(key, readBytes(out.resolve("key.pem"))));
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void revokingASerialOfAnUnknownCaNamesTheTrustedOnes() {
        pki.init(KeyType.EC_P256, NAMES);

        PkiException e = assertThrows(PkiException.class,
                () -> pki.revokeSerial(BigInteger.TEN, "nobody", RevocationList.Reason.UNSPECIFIED));

        assertEquals("no trusted manufacturer CA is named 'nobody'; trusted: [dev-manufacturer]", e.getMessage());
    }

    @Test
    void commandsOtherThanInitNeedAnInitialisedPki() {
        PkiException e = assertThrows(PkiException.class,
                () -> pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"), home));

        assertEquals("no PKI in " + pki.directory() + "; run 'hub pki init' first", e.getMessage());
    }

    @Test
    void anUntrustedDevelopmentCaStaysUntrustedThroughInitAndRestarts() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        X509Certificate phone = pki.issueDeviceCertificate(DeviceCertificateRequest.of(MAC, "Myriad M7"),
                home.resolve("phone")).certificate();

        TrustedManufacturers.Entry removed = pki.untrust(HubPki.DEV_MANUFACTURER_NAME);
        HubPki.InitReport again = pki.init(KeyType.EC_P256, NAMES);
        HubPki restarted = HubPki.at(home.resolve("pki"), Clock.fixed(TestPki.NOW, ZoneOffset.UTC));
        restarted.init(KeyType.EC_P256, NAMES);

        assertEquals(Fingerprints.sha256(pki.devManufacturerCa().certificate()), removed.fingerprint());
        assertTrue(again.createdNothing(), again.created().toString());
        assertEquals(List.of(), restarted.trusted().list());
        assertEquals(List.of(removed.fingerprint()),
                restarted.trusted().untrusted().stream().map(TrustedManufacturers.Untrusted::fingerprint).toList());
        assertTrue(Files.notExists(pki.file("trusted/dev-manufacturer.pem")));
        assertEquals(Optional.of(RefusalCause.UNKNOWN_ISSUER),
                restarted.validator().validate(List.of(phone), Optional.of(MAC)).refusal());
    }

    @Test
    void aRegeneratedDevelopmentCaIsNotTrustedEitherOnceTheOperatorUntrustedIt() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        pki.untrust(HubPki.DEV_MANUFACTURER_NAME);
        Files.delete(pki.file(HubPki.DEV_MANUFACTURER_CERTIFICATE));
        Files.delete(pki.file(HubPki.DEV_MANUFACTURER_KEY));

        HubPki.InitReport report = pki.init(KeyType.EC_P256, NAMES);

        assertEquals(List.of(HubPki.DEV_MANUFACTURER_CERTIFICATE), report.created());
        assertEquals(List.of(), pki.trusted().list());
    }

    @Test
    void anExplicitTrustBringsAnUntrustedCaBack() {
        pki.init(KeyType.EC_P256, NAMES);
        pki.untrust(HubPki.DEV_MANUFACTURER_NAME);

        pki.trust(pki.file(HubPki.DEV_MANUFACTURER_CERTIFICATE), Optional.of("dev-manufacturer"), MacRule.ANY, false);

        assertEquals(List.of("dev-manufacturer"),
                pki.trusted().list().stream().map(TrustedManufacturer::name).toList());
        assertEquals(List.of(), pki.trusted().untrusted());
    }

    @Test
    void untrustingAnUnknownNameNamesTheTrustedOnesAndChangesNothing() throws IOException {
        pki.init(KeyType.EC_P256, NAMES);
        Map<Path, byte[]> before = snapshot();

        PkiException e = assertThrows(PkiException.class, () -> pki.untrust("nobody"));

        assertEquals("no trusted manufacturer CA is named 'nobody'; trusted: [dev-manufacturer]", e.getMessage());
        assertEquals(before.keySet(), snapshot().keySet());
    }

    @Test
    void aManufacturerCrlIsImportedInPemOrDerAndReplacedOnlyByANewerOne() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        CertificateAuthority vendor = trustVendor();
        Instant nextWeek = TestPki.NOW.plus(Duration.ofDays(7));
        X509CRL first = TestPki.crl(vendor, BigInteger.valueOf(5), TestPki.NOW, nextWeek, BigInteger.TEN);
        Path der = Files.write(home.resolve("vendor.crl"), first.getEncoded());

        ManufacturerCrls.Imported imported = pki.importCrl("vendor", der);
        ManufacturerCrls.Imported same = pki.importCrl("vendor", pem("same.pem", first));
        PkiException older = assertThrows(PkiException.class, () -> pki.importCrl("vendor",
                pem("older.pem", TestPki.crl(vendor, BigInteger.valueOf(4), TestPki.NOW.plusSeconds(60), nextWeek))));
        ManufacturerCrls.Imported newer = pki.importCrl("vendor",
                pem("newer.pem", TestPki.crl(vendor, BigInteger.valueOf(6), TestPki.NOW, nextWeek, BigInteger.TWO)));

        assertEquals(ManufacturerCrls.Outcome.IMPORTED, imported.outcome());
        assertEquals(1, imported.revokedCount());
        assertEquals(ManufacturerCrls.Outcome.UNCHANGED, same.outcome());
        assertEquals(home.resolve("older.pem") + " (CRL number 4, thisUpdate " + TestPki.NOW.plusSeconds(60)
                + ") is not newer than the imported CRL of vendor (CRL number 5, thisUpdate " + TestPki.NOW
                + "); it was kept", older.getMessage());
        assertEquals(ManufacturerCrls.Outcome.REPLACED, newer.outcome());
        X509CRL stored = ManufacturerCrls.parse(pki.file("manufacturer-crls/vendor.pem"));
        assertEquals(BigInteger.valueOf(6), ManufacturerCrls.number(stored));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pki.file("manufacturer-crls/vendor.pem"))));
    }

    @Test
    void aCrlThatTheCaDidNotSignOrThatIsNoCrlIsRefusedAndNothingStored() throws Exception {
        pki.init(KeyType.EC_P256, NAMES);
        CertificateAuthority vendor = trustVendor();
        Instant nextWeek = TestPki.NOW.plus(Duration.ofDays(7));
        CertificateAuthority impostor = TestPki.root("CN=Vendor Root,O=Vendor");
        CertificateAuthority stranger = TestPki.root("CN=Stranger");
        CertificateAuthority rsaVendor = TestPki.rsaRoot("CN=RSA Vendor");
        Path rsaFile = home.resolve("rsa-vendor.pem");
        PemFiles.writeCertificates(rsaFile, List.of(rsaVendor.certificate()));
        pki.trust(rsaFile, Optional.of("rsa-vendor"), MacRule.CN, false);
        Path forged = pem("forged.pem", TestPki.crl(impostor, BigInteger.ONE, TestPki.NOW, nextWeek));
        Path foreign = pem("foreign.pem", TestPki.crl(stranger, BigInteger.ONE, TestPki.NOW, nextWeek));
        Path sha1 = pem("sha1.pem", TestPki.crl(rsaVendor.certificate(), rsaVendor.privateKey(), "SHA1withRSA",
                BigInteger.ONE, TestPki.NOW, nextWeek));
        Path stale = pem("stale.pem", TestPki.crl(vendor, BigInteger.ONE, TestPki.NOW.minus(Duration.ofDays(8)),
                TestPki.NOW.minus(Duration.ofDays(1))));
        Path garbage = Files.write(home.resolve("garbage.crl"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x07, 0x00});
        Path garbagePem = Files.writeString(home.resolve("garbage.pem"),
                "-----BEGIN X509 CRL-----\nbm90IGEgY3Js\n-----END X509 CRL-----\n");

        assertEquals(forged + ": the CRL's signature does not verify with the key of trusted CA vendor",
                refusal(() -> pki.importCrl("vendor", forged)));
        assertEquals(foreign + ": the CRL is issued by CN=Stranger, not by trusted CA vendor (CN=Vendor Root,O=Vendor)",
                refusal(() -> pki.importCrl("vendor", foreign)));
        assertEquals(sha1 + ": the CRL is signed with SHA1withRSA, a weak signature algorithm",
                refusal(() -> pki.importCrl("rsa-vendor", sha1)));
        assertEquals(stale + ": the CRL's nextUpdate " + TestPki.NOW.minus(Duration.ofDays(1))
                + " has passed; ask the manufacturer for a current one", refusal(() -> pki.importCrl("vendor", stale)));
        assertTrue(refusal(() -> pki.importCrl("vendor", garbage))
                .startsWith(garbage + " is not an X.509 CRL (PEM or DER): "));
        assertTrue(refusal(() -> pki.importCrl("vendor", garbagePem))
                .startsWith(garbagePem + " is not an X.509 CRL (PEM or DER): "));
        assertEquals("no trusted manufacturer CA is named 'nobody'; trusted: [dev-manufacturer, vendor, rsa-vendor]",
                refusal(() -> pki.importCrl("nobody", forged)));
        assertTrue(Files.notExists(pki.file("manufacturer-crls")) || isEmpty(pki.file("manufacturer-crls")));
    }

    @Test
    void untrustingACaDropsItsImportedCrl() {
        pki.init(KeyType.EC_P256, NAMES);
        CertificateAuthority vendor = trustVendor();
        pki.importCrl("vendor", pem("vendor.pem", TestPki.crl(vendor, BigInteger.ONE, TestPki.NOW,
                TestPki.NOW.plus(Duration.ofDays(7)))));
        assertTrue(Files.exists(pki.file("manufacturer-crls/vendor.pem")));

        pki.untrust("vendor");

        assertTrue(Files.notExists(pki.file("manufacturer-crls/vendor.pem")));
        assertTrue(Files.notExists(pki.file("trusted/vendor.pem")));
    }

    private CertificateAuthority trustVendor() {
        CertificateAuthority vendor = TestPki.root("CN=Vendor Root,O=Vendor");
        Path file = home.resolve("vendor-ca.pem");
        PemFiles.writeCertificates(file, List.of(vendor.certificate()));
        pki.trust(file, Optional.of("vendor"), MacRule.SERIAL, false);
        return vendor;
    }

    private Path pem(String name, X509CRL crl) {
        Path file = home.resolve(name);
        PemFiles.writeCrls(file, List.of(crl));
        return file;
    }

    private static String refusal(org.junit.jupiter.api.function.Executable action) {
        return assertThrows(PkiException.class, action).getMessage();
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        }
    }

    private List<X509CRL> crls() throws Exception {
        try (var in = Files.newInputStream(pki.file("crl.pem"))) {
            return CertificateFactory.getInstance("X.509").generateCRLs(in).stream().map(X509CRL.class::cast).toList();
        }
    }

    private Map<Path, byte[]> snapshot() throws IOException {
        Map<Path, byte[]> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(pki.directory())) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(file, Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static List<String> alternativeNames(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
        for (List<?> entry : entries) {
            names.add(String.valueOf(entry.get(1)));
        }
        return names;
    }

    private static String readableSubject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253,
                Map.of("2.5.4.5", "SERIALNUMBER"));
    }
}
