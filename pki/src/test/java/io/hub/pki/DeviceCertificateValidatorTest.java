package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCertificateValidatorTest {

    private static final MacAddress MAC = MacAddress.parse("00:80:9f:aa:bb:cc");
    private static final MacAddress OTHER_MAC = MacAddress.parse("00:80:9f:00:00:01");

    @TempDir
    Path home;

    private HubPki pki;
    private CertificateAuthority vendorRoot;
    private CertificateAuthority vendorIntermediate;

    @BeforeEach
    void trustAVendorWithAnIntermediate() {
        pki = HubPki.at(home.resolve("pki"), Clock.fixed(TestPki.NOW, ZoneOffset.UTC));
        pki.init(KeyType.EC_P256, List.of("localhost"));
        vendorRoot = TestPki.root("CN=Vendor Root,O=Vendor");
        vendorIntermediate = TestPki.intermediate(vendorRoot, "CN=Vendor Devices,O=Vendor");
        trust(vendorRoot, "vendor", MacRule.SERIAL, false);
    }

    @Test
    void aGoodLeafThroughAnIntermediateNamesThePhone() {
        X509Certificate leaf = TestPki.leaf("CN=Myriad M7,serialNumber=00809FAABBCC,OU=Myriad M7,O=Vendor")
                .issuedBy(vendorIntermediate);

        DeviceIdentity identity = validate(at(TestPki.NOW), List.of(leaf, vendorIntermediate.certificate()), MAC)
                .identityOrThrow();

        assertEquals(MAC, identity.mac());
        assertEquals(Optional.of("Myriad M7"), identity.model());
        assertEquals("vendor", identity.issuer());
        assertEquals(TrustLevel.MAC_ATTESTED, identity.trustLevel());
        assertEquals(Fingerprints.sha256(leaf), identity.fingerprint());
        assertEquals(leaf.getSerialNumber(), identity.serial());
    }

    @Test
    void intermediatesMayComeInAnyOrderAndExtraCertificatesAreIgnored() {
        CertificateAuthority first = TestPki.intermediate(vendorRoot, "CN=Vendor Factories,O=Vendor", null);
        CertificateAuthority second = TestPki.intermediate(first, "CN=Vendor Line 2,O=Vendor");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(second);
        X509Certificate stranger = TestPki.root("CN=Stranger").certificate();

        DeviceValidation result = validate(at(TestPki.NOW),
                List.of(leaf, stranger, first.certificate(), second.certificate()), MAC);

        assertTrue(result.isAccepted(), result.toString());
    }

    @Test
    void anIntermediateBeyondThePathLengthOfItsIssuerBreaksTheChain() {
        CertificateAuthority tooDeep = TestPki.intermediate(vendorIntermediate, "CN=Vendor Line 3,O=Vendor");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(tooDeep);

        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW),
                List.of(leaf, tooDeep.certificate(), vendorIntermediate.certificate()), MAC));
    }

    @Test
    void aRequestWithoutAMacTakesTheCertificatesMac() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);

        DeviceValidation result = pki.validator().validate(List.of(leaf), Optional.empty());

        assertEquals(MAC, result.identityOrThrow().mac());
    }

    @Test
    void phonesFromTheDevelopmentManufacturerAreTrustedWithTheMacInAnyPlace() {
        for (MacPlacement placement : MacPlacement.values()) {
            DeviceCertificateRequest request = new DeviceCertificateRequest(MAC, "Halo H6P", placement,
                    Duration.ofDays(30), Optional.empty(), KeyType.EC_P256);
            X509Certificate leaf = pki.issueDeviceCertificate(request, home.resolve(placement.name())).certificate();

            DeviceIdentity identity = pki.validator().validate(List.of(leaf), Optional.of(MAC)).identityOrThrow();

            assertEquals(MAC, identity.mac(), placement.name());
            assertEquals("dev-manufacturer", identity.issuer());
            assertEquals(Optional.of("Halo H6P"), identity.model());
        }
    }

    @Test
    void noCertificate() {
        assertRefused(RefusalCause.NO_CERTIFICATE, pki.validator().validate(List.of(), Optional.of(MAC)));
    }

    @Test
    void unknownIssuer() {
        CertificateAuthority stranger = TestPki.root("CN=Stranger Root,O=Stranger");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(stranger);

        assertRefused(RefusalCause.UNKNOWN_ISSUER, validate(at(TestPki.NOW), List.of(leaf), MAC));
        assertRefused(RefusalCause.UNKNOWN_ISSUER,
                validate(at(TestPki.NOW), List.of(leaf, stranger.certificate()), MAC));
    }

    @Test
    void aLeafSignedByAnImpostorWithTheTrustedCasNameHasABadSignature() {
        CertificateAuthority impostor = TestPki.root("CN=Vendor Root,O=Vendor");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(impostor);

        assertRefused(RefusalCause.BAD_SIGNATURE, validate(at(TestPki.NOW), List.of(leaf), MAC));
    }

    @Test
    void anIntermediateSignedByAnImpostorHasABadSignature() {
        CertificateAuthority impostor = TestPki.root("CN=Vendor Root,O=Vendor");
        CertificateAuthority forgedIntermediate = TestPki.intermediate(impostor, "CN=Vendor Devices,O=Vendor");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(forgedIntermediate);

        assertRefused(RefusalCause.BAD_SIGNATURE,
                validate(at(TestPki.NOW), List.of(leaf, forgedIntermediate.certificate()), MAC));
    }

    @Test
    void anIntermediateThatIsNotACaBreaksTheChain() {
        TestPki.Leaf notCa = TestPki.leaf("CN=Pretender,O=Vendor");
        X509Certificate pretender = notCa.issuedBy(vendorRoot);
        CertificateAuthority pretending = new CertificateAuthority(pretender, notCa.keyPair().getPrivate());
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(pretending);

        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW), List.of(leaf, pretender), MAC));
    }

    @Test
    void expiredAndNotYetValid() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .validity(TestPki.NOW.minus(Duration.ofDays(10)), TestPki.NOW.plus(Duration.ofDays(10)))
                .issuedBy(vendorRoot);

        assertTrue(validate(at(TestPki.NOW), List.of(leaf), MAC).isAccepted());
        assertRefused(RefusalCause.EXPIRED, validate(at(TestPki.NOW.plus(Duration.ofDays(11))), List.of(leaf), MAC));
        assertRefused(RefusalCause.NOT_YET_VALID,
                validate(at(TestPki.NOW.minus(Duration.ofDays(11))), List.of(leaf), MAC));
    }

    @Test
    void anExpiredIntermediateExpiresTheChain() {
        java.security.KeyPair keys = KeyType.EC_P256.generate();
        CertificateAuthority shortLived = vendorRoot.issueSubordinate(CertificateSpec.forSubject(
                "CN=Vendor Short Lived,O=Vendor", keys.getPublic())
                .validity(TestPki.NOW.minus(Duration.ofDays(30)), TestPki.NOW.minus(Duration.ofDays(1)))
                .certificateAuthority(0), keys);
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(shortLived);

        DeviceValidation result = validate(at(TestPki.NOW), List.of(leaf, shortLived.certificate()), MAC);

        assertRefused(RefusalCause.EXPIRED, result);
        assertTrue(result.detail().startsWith("CN=Vendor Short Lived"), result.detail());
    }

    @Test
    void aCaCertificateIsNoPhone() {
        X509Certificate caLeaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").asCa().issuedBy(vendorRoot);

        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW), List.of(caLeaf), MAC));
    }

    @Test
    void anIntermediateWhoseUsageExcludesClientAuthBreaksTheChain() {
        java.security.KeyPair keys = KeyType.EC_P256.generate();
        CertificateAuthority serversOnly = vendorRoot.issueSubordinate(CertificateSpec.forSubject(
                "CN=Vendor Servers,O=Vendor", keys.getPublic())
                .validity(TestPki.NOW.minus(Duration.ofDays(30)), Duration.ofDays(300))
                .certificateAuthority(0).extendedKeyUsage(KeyPurposeId.id_kp_serverAuth), keys);
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(serversOnly);

        assertRefused(RefusalCause.INVALID_CHAIN,
                validate(at(TestPki.NOW), List.of(leaf, serversOnly.certificate()), MAC));
    }

    @Test
    void twoPresentedIntermediatesWithOneNameAreBothTried() {
        CertificateAuthority old = TestPki.intermediate(vendorRoot, "CN=Vendor Devices,O=Vendor");
        CertificateAuthority renewed = TestPki.intermediate(vendorRoot, "CN=Vendor Devices,O=Vendor");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(renewed);

        DeviceValidation result = validate(at(TestPki.NOW),
                List.of(leaf, old.certificate(), renewed.certificate()), MAC);

        assertTrue(result.isAccepted(), result.toString());
    }

    @Test
    void aFloodOfLookAlikeIntermediatesIsRefusedWithoutEndlessWork() {
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate));
        for (int i = 0; i < 9; i++) {
            chain.add(TestPki.intermediate(TestPki.root("CN=Vendor Root,O=Vendor"), "CN=Vendor Devices,O=Vendor")
                    .certificate());
        }

        assertRefused(RefusalCause.BAD_SIGNATURE, validate(at(TestPki.NOW), chain, MAC));
        List<X509Certificate> tooMany = new java.util.ArrayList<>(chain);
        tooMany.add(vendorIntermediate.certificate());
        tooMany.add(vendorIntermediate.certificate());
        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW), tooMany, MAC));
    }

    @Test
    void nullsInTheChainOrForTheMacAreRefusalsNotExceptions() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        List<X509Certificate> withNull = new java.util.ArrayList<>();
        withNull.add(null);

        assertRefused(RefusalCause.NO_CERTIFICATE, pki.validator().validate(withNull, Optional.of(MAC)));
        assertTrue(pki.validator().validate(List.of(leaf), null).isAccepted());
    }

    @Test
    void revokedBySerialAndByMac() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        X509Certificate other = TestPki.leaf("CN=y,serialNumber=00809f000001").issuedBy(vendorRoot);
        assertTrue(pki.revokeSerial(leaf.getSerialNumber(), "vendor", RevocationList.Reason.KEY_COMPROMISE));
        assertTrue(pki.revokeMac(OTHER_MAC, RevocationList.Reason.CESSATION_OF_OPERATION));

        assertRefused(RefusalCause.REVOKED, validate(at(TestPki.NOW), List.of(leaf), MAC));
        assertRefused(RefusalCause.REVOKED, validate(at(TestPki.NOW), List.of(other), OTHER_MAC));
        X509Certificate renewed = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        assertTrue(validate(at(TestPki.NOW), List.of(renewed), MAC).isAccepted(),
                "a new certificate for a MAC whose old certificate was revoked is good");
    }

    @Test
    void aSerialRevokedUnderTheTrustedCaNameCoversPhonesIssuedThroughAnIntermediate() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);
        assertTrue(validate(at(TestPki.NOW), List.of(leaf, vendorIntermediate.certificate()), MAC).isAccepted());

        pki.revokeSerial(leaf.getSerialNumber(), "vendor", RevocationList.Reason.KEY_COMPROMISE);

        assertRefused(RefusalCause.REVOKED,
                validate(at(TestPki.NOW), List.of(leaf, vendorIntermediate.certificate()), MAC));
    }

    @Test
    void aRevokedTrustedCaRevokesEveryPhoneUnderIt() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        pki.revokeCertificate(vendorRoot.certificate(), RevocationList.Reason.CA_COMPROMISE);

        assertRefused(RefusalCause.REVOKED, validate(at(TestPki.NOW), List.of(leaf), MAC));
    }

    @Test
    void aRevokedIntermediateRevokesItsPhones() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);
        pki.revokeCertificate(vendorIntermediate.certificate(), RevocationList.Reason.CA_COMPROMISE);

        assertRefused(RefusalCause.REVOKED,
                validate(at(TestPki.NOW), List.of(leaf, vendorIntermediate.certificate()), MAC));
    }

    @Test
    void weakKeys() {
        X509Certificate rsa1024 = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .keys(TestPki.keys("RSA", 1024)).issuedBy(vendorRoot);
        X509Certificate p521 = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .keys(TestPki.keys("EC", "secp521r1")).issuedBy(vendorRoot);
        X509Certificate ed25519 = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .keys(TestPki.keys("Ed25519", null)).issuedBy(vendorRoot);
        X509Certificate rsa2048 = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .keys(TestPki.keys("RSA", 2048)).issuedBy(vendorRoot);
        X509Certificate p384 = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .keys(TestPki.keys("EC", "secp384r1")).issuedBy(vendorRoot);

        assertRefused(RefusalCause.WEAK_KEY, validate(at(TestPki.NOW), List.of(rsa1024), MAC));
        assertRefused(RefusalCause.WEAK_KEY, validate(at(TestPki.NOW), List.of(p521), MAC));
        assertRefused(RefusalCause.WEAK_KEY, validate(at(TestPki.NOW), List.of(ed25519), MAC));
        assertTrue(validate(at(TestPki.NOW), List.of(rsa2048), MAC).isAccepted());
        assertTrue(validate(at(TestPki.NOW), List.of(p384), MAC).isAccepted());
    }

    @Test
    void missingClientAuthUsage() {
        X509Certificate serverOnly = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .purposes(KeyPurposeId.id_kp_serverAuth).issuedBy(vendorRoot);
        X509Certificate noUsage = TestPki.leaf("CN=x,serialNumber=00809faabbcc").purposes().issuedBy(vendorRoot);

        assertRefused(RefusalCause.MISSING_CLIENT_AUTH, validate(at(TestPki.NOW), List.of(serverOnly), MAC));
        assertRefused(RefusalCause.MISSING_CLIENT_AUTH, validate(at(TestPki.NOW), List.of(noUsage), MAC));
    }

    @Test
    void theMacIsReadOnlyWhereTheCaPutsIt() {
        X509Certificate macInCn = TestPki.leaf("CN=00809faabbcc,OU=Myriad M5").issuedBy(vendorRoot);

        assertRefused(RefusalCause.NO_MAC, validate(at(TestPki.NOW), List.of(macInCn), MAC));
    }

    @Test
    void macMismatchWithTheRequest() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);

        DeviceValidation result = validate(at(TestPki.NOW), List.of(leaf), OTHER_MAC);

        assertRefused(RefusalCause.MAC_MISMATCH, result);
        assertEquals("certificate is for 00809faabbcc, request is for 00809f000001", result.detail());
    }

    @Test
    void aMultiValuedRdnIsReadByAttributeType() {
        X509Certificate leaf = TestPki.leaf("CN=Myriad M7+serialNumber=00809faabbcc,O=Vendor").issuedBy(vendorRoot);

        assertEquals(MAC, validate(at(TestPki.NOW), List.of(leaf), MAC).identityOrThrow().mac());
    }

    @Test
    void aCertificateNamingTwoMacsNamesNoPhone() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc,serialNumber=00809f000001")
                .issuedBy(vendorRoot);

        assertRefused(RefusalCause.NO_MAC, validate(at(TestPki.NOW), List.of(leaf), MAC));
    }

    @Test
    void aRegexRuleSeesTheSerialNumberDecoded() {
        CertificateAuthority regexVendor = TestPki.root("CN=Serial Regex Vendor");
        trust(regexVendor, "serial-regex", MacRule.parse("regex:SERIALNUMBER=PHONE-([0-9a-f]{12})"), false);
        X509Certificate leaf = TestPki.leaf("CN=Phone,serialNumber=PHONE-00809faabbcc").issuedBy(regexVendor);

        assertEquals(MAC, validate(at(TestPki.NOW), List.of(leaf), MAC).identityOrThrow().mac());
    }

    @Test
    void sanAndRegexRules() {
        CertificateAuthority sanVendor = TestPki.root("CN=San Vendor");
        trust(sanVendor, "san-vendor", MacRule.SAN, false);
        CertificateAuthority regexVendor = TestPki.root("CN=Regex Vendor");
        trust(regexVendor, "regex-vendor", MacRule.parse("regex:CN=SEP(?<mac>[0-9A-F]{12})"), false);

        X509Certificate bySan = TestPki.leaf("CN=phone").uri("urn:dev:mac:00809faabbcc").issuedBy(sanVendor);
        X509Certificate byRegex = TestPki.leaf("CN=SEP00809FAABBCC").issuedBy(regexVendor);

        assertEquals(MAC, validate(at(TestPki.NOW), List.of(bySan), MAC).identityOrThrow().mac());
        assertEquals(MAC, validate(at(TestPki.NOW), List.of(byRegex), MAC).identityOrThrow().mac());
    }

    @Test
    void aGenericCaProvesTheVendorAndTakesTheMacFromTheRequest() {
        CertificateAuthority generic = TestPki.root("CN=Generic Vendor");
        trust(generic, "generic", MacRule.CN, true);
        X509Certificate leaf = TestPki.leaf("CN=Phone,O=Generic").issuedBy(generic);

        DeviceIdentity identity = validate(at(TestPki.NOW), List.of(leaf), MAC).identityOrThrow();

        assertEquals(MAC, identity.mac());
        assertEquals(TrustLevel.VENDOR_ONLY, identity.trustLevel());
        assertRefused(RefusalCause.NO_MAC, pki.validator().validate(List.of(leaf), Optional.empty()));
    }

    @Test
    void aTrustedCaAddedWhileRunningIsHonouredAtOnce() {
        CertificateAuthority late = TestPki.root("CN=Late Vendor");
        X509Certificate leaf = TestPki.leaf("CN=00809faabbcc").issuedBy(late);
        DeviceCertificateValidator validator = pki.validator();
        assertRefused(RefusalCause.UNKNOWN_ISSUER, validator.validate(List.of(leaf), Optional.of(MAC)));

        trust(late, "late", MacRule.CN, false);

        assertTrue(validator.validate(List.of(leaf), Optional.of(MAC)).isAccepted());
    }

    private DeviceValidation validate(Clock clock, List<X509Certificate> chain, MacAddress requested) {
        return new DeviceCertificateValidator(pki.trusted(), pki.revocations(), clock)
                .validate(chain, Optional.of(requested));
    }

    private static Clock at(java.time.Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private void trust(CertificateAuthority ca, String name, MacRule rule, boolean generic) {
        Path file = home.resolve(name + "-ca.pem");
        PemFiles.writeCertificates(file, List.of(ca.certificate()));
        pki.trust(file, Optional.of(name), rule, generic);
    }

    private static void assertRefused(RefusalCause expected, DeviceValidation result) {
        assertFalse(result.isAccepted(), "expected " + expected.code() + " but was accepted");
        assertEquals(expected, result.refusal().orElseThrow(), result.detail());
    }
}
