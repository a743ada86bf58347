package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
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

        DeviceValidation result = validator().validate(List.of(leaf), Optional.empty());

        assertEquals(MAC, result.identityOrThrow().mac());
    }

    @Test
    void phonesFromTheDevelopmentManufacturerAreTrustedWithTheMacInAnyPlace() {
        for (MacPlacement placement : MacPlacement.values()) {
            DeviceCertificateRequest request = new DeviceCertificateRequest(MAC, "Halo H6P", placement,
                    Duration.ofDays(30), Optional.empty(), KeyType.EC_P256);
            X509Certificate leaf = pki.issueDeviceCertificate(request, home.resolve(placement.name())).certificate();

            DeviceIdentity identity = validator().validate(List.of(leaf), Optional.of(MAC)).identityOrThrow();

            assertEquals(MAC, identity.mac(), placement.name());
            assertEquals("dev-manufacturer", identity.issuer());
            assertEquals(Optional.of("Halo H6P"), identity.model());
        }
    }

    @Test
    void noCertificate() {
        assertRefused(RefusalCause.NO_CERTIFICATE, validator().validate(List.of(), Optional.of(MAC)));
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

        assertRefused(RefusalCause.NO_CERTIFICATE, validator().validate(withNull, Optional.of(MAC)));
        assertTrue(validator().validate(List.of(leaf), null).isAccepted());
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
        assertRefused(RefusalCause.NO_MAC, validator().validate(List.of(leaf), Optional.empty()));
    }

    @Test
    void aTrustedCaAddedWhileRunningIsHonouredAtOnce() {
        CertificateAuthority late = TestPki.root("CN=Late Vendor");
        X509Certificate leaf = TestPki.leaf("CN=00809faabbcc").issuedBy(late);
        DeviceCertificateValidator validator = validator();
        assertRefused(RefusalCause.UNKNOWN_ISSUER, validator.validate(List.of(leaf), Optional.of(MAC)));

        trust(late, "late", MacRule.CN, false);

        assertTrue(validator.validate(List.of(leaf), Optional.of(MAC)).isAccepted());
    }

    @Test
    void sha1AndMd5SignaturesAnywhereBelowTheAnchorAreWeak() {
        CertificateAuthority rsaVendor = TestPki.rsaRoot("CN=RSA Vendor,O=RSA Vendor");
        trust(rsaVendor, "rsa-vendor", MacRule.SERIAL, false);
        X509Certificate good = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(rsaVendor);
        PrivateKey key = rsaVendor.privateKey();

        assertAccepted(validate(at(TestPki.NOW), List.of(good), MAC));
        for (String algorithm : List.of("SHA1withRSA", "MD5withRSA", "MD2withRSA")) {
            DeviceValidation result = validate(at(TestPki.NOW), List.of(TestPki.resign(good, key, algorithm)), MAC);

            assertRefused(RefusalCause.WEAK_SIGNATURE, result);
            assertTrue(result.detail().endsWith(" is signed with " + algorithm), result.detail());
        }
        DeviceValidation pssOverSha1 = validate(at(TestPki.NOW),
                List.of(TestPki.resign(good, key, "SHA1withRSAandMGF1")), MAC);
        assertRefused(RefusalCause.WEAK_SIGNATURE, pssOverSha1);
        assertTrue(pssOverSha1.detail().endsWith(" is signed with RSASSA-PSS with SHA-1"), pssOverSha1.detail());
        assertAccepted(validate(at(TestPki.NOW), List.of(TestPki.resign(good, key, "SHA256withRSAandMGF1")), MAC));
    }

    @Test
    void aSha1SignedIntermediateIsWeakThoughItsLeafIsNot() {
        X509Certificate sha1Intermediate = TestPki.resign(vendorIntermediate.certificate(), vendorRoot.privateKey(),
                "SHA1withECDSA");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);

        DeviceValidation result = validate(at(TestPki.NOW), List.of(leaf, sha1Intermediate), MAC);

        assertRefused(RefusalCause.WEAK_SIGNATURE, result);
        assertEquals("CN=Vendor Devices,O=Vendor is signed with SHA1withECDSA", result.detail());
    }

    @Test
    void aTrustedRootsOwnSha1SelfSignatureProvesNothingAndIsNotJudged() {
        CertificateAuthority rsaVendor = TestPki.rsaRoot("CN=Old RSA Vendor");
        X509Certificate sha1Root = TestPki.resign(rsaVendor.certificate(), rsaVendor.privateKey(), "SHA1withRSA");
        trust(new CertificateAuthority(sha1Root, rsaVendor.privateKey()), "old-rsa-vendor", MacRule.SERIAL, false);
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(rsaVendor);

        assertAccepted(validate(at(TestPki.NOW), List.of(leaf), MAC));
    }

    @Test
    void anAnchorWithPathLengthZeroSignsPhonesButNoIntermediate() {
        CertificateAuthority strictRoot = TestPki.root("CN=Strict Root,O=Strict", 0);
        trust(strictRoot, "strict", MacRule.SERIAL, false);
        CertificateAuthority intermediate = TestPki.intermediate(strictRoot, "CN=Strict Devices,O=Strict");
        X509Certificate direct = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(strictRoot);
        X509Certificate below = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(intermediate);

        DeviceValidation result = validate(at(TestPki.NOW), List.of(below, intermediate.certificate()), MAC);

        assertAccepted(validate(at(TestPki.NOW), List.of(direct), MAC));
        assertRefused(RefusalCause.INVALID_CHAIN, result);
        assertEquals("trusted CA strict allows 0 intermediate CA(s) below it (pathLenConstraint), the path has 1",
                result.detail());
    }

    @Test
    void anAnchorWhoseKeyUsageLacksKeyCertSignVouchesForNoOne() {
        java.security.KeyPair keys = KeyType.EC_P256.generate();
        CertificateAuthority crlOnly = CertificateAuthority.selfSigned(CertificateSpec.forSubject(
                "CN=Crl Only,O=Crl", keys.getPublic())
                .validity(TestPki.NOW.minus(Duration.ofDays(30)), Duration.ofDays(300))
                .certificateAuthority(null).keyUsage(KeyUsage.cRLSign | KeyUsage.digitalSignature), keys);
        trust(crlOnly, "crl-only", MacRule.SERIAL, false);
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(crlOnly);

        DeviceValidation result = validate(at(TestPki.NOW), List.of(leaf), MAC);

        assertRefused(RefusalCause.INVALID_CHAIN, result);
        assertEquals("trusted CA crl-only may not sign certificates (its key usage lacks keyCertSign)",
                result.detail());
    }

    @Test
    void anAnchorsDirectoryNameConstraintBindsTheIntermediateAndTheLeaf() {
        CertificateAuthority constrained = constrainedRoot("CN=Constrained Root,O=Vendor", new NameConstraints(
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(new X500Name("O=Vendor")))}, null));
        trust(constrained, "constrained", MacRule.SERIAL, false);
        CertificateAuthority inside = TestPki.intermediate(constrained, "CN=Devices,O=Vendor");
        CertificateAuthority outside = TestPki.intermediate(constrained, "CN=Devices,O=Other");
        X509Certificate good = TestPki.leaf("CN=x,serialNumber=00809faabbcc,O=Vendor").issuedBy(inside);
        X509Certificate stray = TestPki.leaf("CN=x,serialNumber=00809faabbcc,O=Other").issuedBy(inside);
        X509Certificate underStray = TestPki.leaf("CN=x,serialNumber=00809faabbcc,O=Vendor").issuedBy(outside);

        DeviceValidation strayResult = validate(at(TestPki.NOW), List.of(stray, inside.certificate()), MAC);

        assertAccepted(validate(at(TestPki.NOW), List.of(good, inside.certificate()), MAC));
        assertRefused(RefusalCause.INVALID_CHAIN, strayResult);
        assertTrue(strayResult.detail().startsWith(stray.getSubjectX500Principal().getName()
                + " is outside the name constraints set from trusted CA constrained down: "), strayResult.detail());
        assertRefused(RefusalCause.INVALID_CHAIN,
                validate(at(TestPki.NOW), List.of(underStray, outside.certificate()), MAC));
    }

    @Test
    void anAnchorsAlternativeNameConstraintsBindTheLeafsAlternativeNames() {
        CertificateAuthority constrained = constrainedRoot("CN=Constrained San Root", new NameConstraints(
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, "vendor.example"))},
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(GeneralName.dNSName, "evil.example"))}));
        trust(constrained, "constrained-san", MacRule.SERIAL, false);
        X509Certificate plain = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(constrained);
        X509Certificate goodMail = withAlternativeName(plain, constrained,
                new GeneralName(GeneralName.rfc822Name, "phone@vendor.example"));
        X509Certificate otherMail = withAlternativeName(plain, constrained,
                new GeneralName(GeneralName.rfc822Name, "phone@other.example"));
        X509Certificate excludedHost = withAlternativeName(plain, constrained,
                new GeneralName(GeneralName.dNSName, "phone.evil.example"));

        assertAccepted(validate(at(TestPki.NOW), List.of(plain), MAC));
        assertAccepted(validate(at(TestPki.NOW), List.of(goodMail), MAC));
        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW), List.of(otherMail), MAC));
        assertRefused(RefusalCause.INVALID_CHAIN, validate(at(TestPki.NOW), List.of(excludedHost), MAC));
    }

    @Test
    void aCertificateInTheManufacturersCrlIsRevokedAndTheRestServed() {
        X509Certificate listed = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        X509Certificate other = TestPki.leaf("CN=y,serialNumber=00809f000001").issuedBy(vendorRoot);
        DeviceCertificateValidator validator = validator();
        assertTrue(validator.validate(List.of(listed), Optional.of(MAC)).isAccepted());

        importCrl("vendor", TestPki.crl(vendorRoot, BigInteger.ONE, TestPki.NOW, TestPki.NOW.plus(Duration.ofDays(7)),
                listed.getSerialNumber()));

        DeviceValidation result = validator.validate(List.of(listed), Optional.of(MAC));
        assertRefused(RefusalCause.REVOKED, result);
        assertTrue(result.detail().contains("is revoked by the CRL of vendor"), result.detail());
        assertTrue(validator.validate(List.of(other), Optional.of(OTHER_MAC)).isAccepted());
    }

    @Test
    void anIntermediateInTheManufacturersCrlTakesItsPhonesWithIt() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);
        importCrl("vendor", TestPki.crl(vendorRoot, BigInteger.ONE, TestPki.NOW, TestPki.NOW.plus(Duration.ofDays(7)),
                vendorIntermediate.certificate().getSerialNumber()));

        assertRefused(RefusalCause.REVOKED,
                validate(at(TestPki.NOW), List.of(leaf, vendorIntermediate.certificate()), MAC));
    }

    @Test
    void aManufacturerCrlPastItsNextUpdateRefusesThatCasPhonesOnly() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        CertificateAuthority otherVendor = TestPki.root("CN=Other Vendor");
        trust(otherVendor, "other-vendor", MacRule.SERIAL, false);
        X509Certificate otherLeaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(otherVendor);
        java.time.Instant nextUpdate = TestPki.NOW.plus(Duration.ofDays(7));
        importCrl("vendor", TestPki.crl(vendorRoot, BigInteger.ONE, TestPki.NOW, nextUpdate));

        DeviceValidation late = validate(at(nextUpdate.plusSeconds(1)), List.of(leaf), MAC);

        assertAccepted(validate(at(nextUpdate.minusSeconds(1)), List.of(leaf), MAC));
        assertRefused(RefusalCause.CRL_EXPIRED, late);
        assertEquals("the CRL of vendor was due for renewal at " + nextUpdate
                + "; import a current one with 'hub pki crl-import --ca vendor'", late.detail());
        assertAccepted(validate(at(nextUpdate.plusSeconds(1)), List.of(otherLeaf), MAC));
    }

    @Test
    void aCrlFileAlteredOnDiskIsNotBelievedAndRefuses() throws Exception {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        importCrl("vendor", TestPki.crl(vendorRoot, BigInteger.ONE, TestPki.NOW, TestPki.NOW.plus(Duration.ofDays(7))));
        CertificateAuthority impostor = TestPki.root("CN=Vendor Root,O=Vendor");
        PemFiles.writeCrls(pki.manufacturerCrls().file("vendor"), List.of(TestPki.crl(impostor, BigInteger.TWO,
                TestPki.NOW, TestPki.NOW.plus(Duration.ofDays(7)))));

        DeviceValidation result = validate(at(TestPki.NOW), List.of(leaf), MAC);

        assertRefused(RefusalCause.INVALID_CHAIN, result);
        assertTrue(result.detail().contains("signature does not verify with the key of trusted CA vendor"),
                result.detail());
    }

    @Test
    void aCaUntrustedWhileRunningIsRefusedAtOnce() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        DeviceCertificateValidator validator = validator();
        assertTrue(validator.validate(List.of(leaf), Optional.of(MAC)).isAccepted());

        pki.untrust("vendor");

        assertRefused(RefusalCause.UNKNOWN_ISSUER, validator.validate(List.of(leaf), Optional.of(MAC)));
    }

    /** The device port and SIP-TLS judge a phone's chain once between them; the MAC is still checked per request. */
    @Test
    void anAcceptedChainIsJudgedOnceAndStillIdentifiedPerRequest() {
        X509Certificate leaf = TestPki.leaf("CN=Myriad M7,serialNumber=00809FAABBCC,OU=Myriad M7,O=Vendor")
                .issuedBy(vendorIntermediate);
        List<X509Certificate> chain = List.of(leaf, vendorIntermediate.certificate());
        DeviceCertificateValidator validator = validator();
        assertSame(validator, pki.validator(tls()), "one validator per provider for the whole PKI");

        DeviceIdentity first = validator.validate(chain, Optional.of(MAC)).identityOrThrow();
        DeviceIdentity again = validator.validate(chain, Optional.empty()).identityOrThrow();

        assertEquals(first, again);
        assertEquals(1, validator.judged(), "the second validation used the kept acceptance");
        assertEquals(1, validator.keptPaths());
        assertRefused(RefusalCause.MAC_MISMATCH, validator.validate(chain, Optional.of(OTHER_MAC)));
        assertEquals(1, validator.judged());
        assertTrue(validator.validate(List.of(leaf, vendorIntermediate.certificate(), vendorRoot.certificate()),
                Optional.of(MAC)).isAccepted(), "another presented chain is judged for itself");
        assertEquals(2, validator.judged());
    }

    /**
     * The second connection of a phone (SIP-TLS after the device port) is identified from what the
     * first one read of its leaf: the native TLS engine parses a certificate only when its subject or
     * serial number is first read.
     */
    @Test
    void aKeptAcceptanceIdentifiesThePhoneWithoutReadingItsLeafAgain() {
        X509Certificate real = TestPki.leaf("CN=Myriad M7,serialNumber=00809FAABBCC,OU=Myriad M7,O=Vendor")
                .issuedBy(vendorIntermediate);
        DeviceCertificateValidator validator = validator();
        DeviceIdentity first = validator.validate(List.of(real, vendorIntermediate.certificate()), Optional.of(MAC))
                .identityOrThrow();

        ReadCountingCertificate presentedAgain = new ReadCountingCertificate(real);
        DeviceIdentity again = validator.validate(List.of(presentedAgain, vendorIntermediate.certificate()),
                Optional.of(MAC)).identityOrThrow();

        assertEquals(first, again);
        assertEquals(Optional.of("Myriad M7"), again.model());
        assertEquals(real.getSerialNumber(), again.serial());
        assertEquals(0, presentedAgain.reads(), "neither its subject nor its serial number was read");
        assertEquals(1, validator.judged());
        assertRefused(RefusalCause.MAC_MISMATCH, validator.validate(List.of(presentedAgain,
                vendorIntermediate.certificate()), Optional.of(OTHER_MAC)));

        pki.untrust("vendor");
        trust(vendorRoot, "vendor-again", MacRule.CN, false);
        // Trusted again under another rule: the state changed, so the leaf is read and judged anew.
        assertRefused(RefusalCause.NO_MAC, validator.validate(List.of(presentedAgain,
                vendorIntermediate.certificate()), Optional.of(MAC)));
        assertTrue(presentedAgain.reads() > 0);
    }

    @Test
    void aKeptAcceptanceYieldsToARevocationAnUntrustedCaAndARevokedMac() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        X509Certificate other = TestPki.leaf("CN=y,serialNumber=00809f000001").issuedBy(vendorRoot);
        X509Certificate third = TestPki.leaf("CN=z,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        DeviceCertificateValidator validator = validator();
        for (X509Certificate phone : List.of(leaf, other, third)) {
            assertTrue(validator.validate(List.of(phone), Optional.empty()).isAccepted());
        }

        assertTrue(pki.revokeSerial(leaf.getSerialNumber(), "vendor", RevocationList.Reason.KEY_COMPROMISE));
        assertRefused(RefusalCause.REVOKED, validator.validate(List.of(leaf), Optional.of(MAC)));
        assertTrue(pki.revokeMac(OTHER_MAC, RevocationList.Reason.CESSATION_OF_OPERATION));
        assertRefused(RefusalCause.REVOKED, validator.validate(List.of(other), Optional.of(OTHER_MAC)));
        assertTrue(validator.validate(List.of(third), Optional.of(MAC)).isAccepted(), "the serial only");
        pki.untrust("vendor");
        assertRefused(RefusalCause.UNKNOWN_ISSUER, validator.validate(List.of(third), Optional.of(MAC)));
    }

    @Test
    void aKeptAcceptanceEndsWhenACertificateExpiresOrTheCrlIsDue() {
        MutableClock clock = new MutableClock(TestPki.NOW);
        DeviceCertificateValidator validator = new DeviceCertificateValidator(pki.trusted(), pki.revocations(),
                pki.manufacturerCrls(), clock, tls());
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc")
                .validity(TestPki.NOW.minus(Duration.ofDays(10)), TestPki.NOW.plus(Duration.ofDays(10)))
                .issuedBy(vendorRoot);
        assertTrue(validator.validate(List.of(leaf), Optional.of(MAC)).isAccepted());
        clock.advance(Duration.ofDays(-11));
        // A clock set back before the certificate's start.
        assertRefused(RefusalCause.NOT_YET_VALID, validator.validate(List.of(leaf), Optional.of(MAC)));
        clock.advance(Duration.ofDays(21));
        assertTrue(validator.validate(List.of(leaf), Optional.of(MAC)).isAccepted(), "its last valid instant");
        clock.advance(Duration.ofMillis(1));
        assertRefused(RefusalCause.EXPIRED, validator.validate(List.of(leaf), Optional.of(MAC)));

        X509Certificate lasting = TestPki.leaf("CN=y,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        // A CRL's times are whole seconds.
        java.time.Instant nextUpdate = TestPki.NOW.plus(Duration.ofDays(17));
        importCrl("vendor", TestPki.crl(vendorRoot, BigInteger.ONE, TestPki.NOW, nextUpdate));
        assertTrue(validator.validate(List.of(lasting), Optional.of(MAC)).isAccepted());
        clock.advance(Duration.between(clock.instant(), nextUpdate).minusMillis(1));
        assertTrue(validator.validate(List.of(lasting), Optional.of(MAC)).isAccepted(), "before the next update");
        clock.advance(Duration.ofMillis(1));
        assertRefused(RefusalCause.CRL_EXPIRED, validator.validate(List.of(lasting), Optional.of(MAC)));
    }

    /** Refused chains leave nothing behind, and the accepted ones kept are bounded. */
    @Test
    void onlyAcceptedChainsAreKeptAndNoMoreThanTheBound() {
        DeviceCertificateValidator validator = validator();
        CertificateAuthority stranger = TestPki.root("CN=Stranger");
        for (int i = 0; i < 20; i++) {
            assertRefused(RefusalCause.UNKNOWN_ISSUER, validator.validate(List.of(TestPki.leaf(
                    "CN=x,serialNumber=00809faabbcc").issuedBy(stranger)), Optional.of(MAC)));
        }
        assertEquals(0, validator.keptPaths());

        KeptPaths bounded = new KeptPaths(4);
        TrustedManufacturer anchor = pki.trusted().list().get(0);
        for (int i = 0; i < 50; i++) {
            X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
            bounded.keep(KeptPaths.key(List.of(leaf), Fingerprints.sha256(leaf)), List.of(leaf),
                    new KeptPaths.Acceptance(anchor, LeafNames.read(leaf, anchor.macRule())), "state", Optional.empty());
        }
        assertTrue(bounded.size() <= 4, bounded.size() + " kept");
    }

    @Test
    void theStateStaysEqualUntilACaIsUntrusted() {
        DeviceCertificateValidator validator = validator();
        Object before = validator.state();
        assertEquals(before, validator.state(), "nothing changed");

        pki.untrust("vendor");

        assertNotEquals(before, validator.state(), "a verdict kept beside the old state is not reused");
    }

    @Test
    void aChangeThroughThePkiOfThisProcessIsSeenAtOnceWithinTheLookWindow() {
        AtomicLong nanos = new AtomicLong();
        DeviceCertificateValidator validator = windowed(nanos);
        Object before = validator.state();

        // Another HubPki on the same directory, as a command run inside the hub would make.
        HubPki.at(home.resolve("pki"), Clock.fixed(TestPki.NOW, ZoneOffset.UTC))
                .revokeMac(MAC, RevocationList.Reason.KEY_COMPROMISE);

        assertNotEquals(before, validator.state(), "no time passed, and the change is seen");
    }

    @Test
    void aFileChangedByAnotherProcessIsSeenOnceTheLookWindowHasPassed() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Path elsewhere = home.resolve("elsewhere");
        new RevocationList(elsewhere).revokeMac(MAC, RevocationList.Reason.KEY_COMPROMISE, TestPki.NOW);
        DeviceCertificateValidator validator = windowed(nanos);
        Object before = validator.state();
        Path revocations = pki.file(RevocationList.FILE);

        // What another process's write looks like to this one: the file replaced, no write of this process counted.
        long written = LocalWrites.count();
        Files.copy(elsewhere.resolve(RevocationList.FILE), revocations, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(written, LocalWrites.count());

        nanos.addAndGet(RecentLook.EVERY_NANOS - 1);
        assertSame(before, validator.state(), "within the window the last look answers, without a file call");
        nanos.addAndGet(1);
        assertNotEquals(before, validator.state(), "the first call after the window looks again");
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorRoot);
        assertRefused(RefusalCause.REVOKED, validator.validate(List.of(leaf), Optional.of(MAC)));
    }

    private DeviceCertificateValidator windowed(AtomicLong nanos) {
        return new DeviceCertificateValidator(pki.trusted(), pki.revocations(), pki.manufacturerCrls(),
                Clock.fixed(TestPki.NOW, ZoneOffset.UTC), tls(), nanos::get);
    }

    /**
     * The bad chains of the issue, one after the other on one validator: each is refused with its
     * reason, and the next phone, a good one, is served.
     */
    @Test
    void badChainsAreRefusedWithTheirReasonAndTheNextPhoneIsServed() {
        CertificateAuthority strictRoot = TestPki.root("CN=Strict Root,O=Strict", 0);
        trust(strictRoot, "strict", MacRule.SERIAL, false);
        CertificateAuthority strictIntermediate = TestPki.intermediate(strictRoot, "CN=Strict Devices,O=Strict");
        CertificateAuthority constrained = constrainedRoot("CN=Constrained Root,O=Vendor", new NameConstraints(
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(new X500Name("O=Vendor")))}, null));
        trust(constrained, "constrained", MacRule.SERIAL, false);
        CertificateAuthority rsaVendor = TestPki.rsaRoot("CN=RSA Vendor");
        trust(rsaVendor, "rsa-vendor", MacRule.SERIAL, false);
        X509Certificate rsaLeaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(rsaVendor);
        X509Certificate good = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);

        java.util.Map<String, List<X509Certificate>> chains = new java.util.LinkedHashMap<>();
        java.util.Map<String, RefusalCause> expected = new java.util.HashMap<>();
        chains.put("junk", junkChain());
        expected.put("junk", RefusalCause.BAD_SIGNATURE);
        chains.put("loop", loopChain());
        expected.put("loop", RefusalCause.UNKNOWN_ISSUER);
        chains.put("ca leaf", List.of(TestPki.leaf("CN=x,serialNumber=00809faabbcc").asCa().issuedBy(vendorRoot)));
        expected.put("ca leaf", RefusalCause.INVALID_CHAIN);
        chains.put("path length", List.of(TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(strictIntermediate),
                strictIntermediate.certificate()));
        expected.put("path length", RefusalCause.INVALID_CHAIN);
        chains.put("name constraint", List.of(TestPki.leaf("CN=x,serialNumber=00809faabbcc,O=Other")
                .issuedBy(constrained)));
        expected.put("name constraint", RefusalCause.INVALID_CHAIN);
        chains.put("sha1", List.of(TestPki.resign(rsaLeaf, rsaVendor.privateKey(), "SHA1withRSA")));
        expected.put("sha1", RefusalCause.WEAK_SIGNATURE);
        chains.put("md5", List.of(TestPki.resign(rsaLeaf, rsaVendor.privateKey(), "MD5withRSA")));
        expected.put("md5", RefusalCause.WEAK_SIGNATURE);
        DeviceCertificateValidator validator = validator();

        chains.forEach((name, chain) -> {
            DeviceValidation result = validator.validate(chain, Optional.of(MAC));
            assertFalse(result.isAccepted(), name + " was accepted");
            assertEquals(expected.get(name), result.refusal().orElseThrow(), name + ": " + result.detail());
            assertFalse(result.detail().isBlank(), name);
            assertTrue(validator.validate(List.of(good, vendorIntermediate.certificate()), Optional.of(MAC))
                    .isAccepted(), "the phone after " + name);
        });
    }

    @Test
    void junkBesideTheRealIntermediateIsIgnored() {
        List<X509Certificate> chain = new java.util.ArrayList<>(junkChain());
        chain.add(vendorIntermediate.certificate());

        assertAccepted(validate(at(TestPki.NOW), chain, MAC));
    }

    @Test
    void aLoopOfIntermediatesEndsInARefusal() {
        DeviceValidation result = validate(at(TestPki.NOW), loopChain(), MAC);

        assertRefused(RefusalCause.UNKNOWN_ISSUER, result);
        assertEquals("issuer CN=Loop A is not a trusted manufacturer CA", result.detail());
    }

    /**
     * A phone of the vendor's intermediate sent with junk instead of that intermediate: a
     * look-alike with the intermediate's name and another key, a stranger's root, the leaf twice,
     * an expired certificate and one with an unknown critical extension.
     */
    private List<X509Certificate> junkChain() {
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(vendorIntermediate);
        X509Certificate lookAlike = TestPki.intermediate(TestPki.root("CN=Vendor Root,O=Vendor"),
                "CN=Vendor Devices,O=Vendor").certificate();
        CertificateAuthority stranger = TestPki.root("CN=Stranger");
        X509Certificate expired = TestPki.leaf("CN=Old").validity(TestPki.NOW.minus(Duration.ofDays(900)),
                TestPki.NOW.minus(Duration.ofDays(800))).issuedBy(stranger);
        X509Certificate oddExtension = TestPki.rebuild(TestPki.leaf("CN=Odd").issuedBy(stranger),
                stranger.privateKey(), "SHA256withECDSA", builder -> builder.addExtension(
                        new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true,
                        new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2, 3})));
        return List.of(leaf, lookAlike, stranger.certificate(), leaf, expired, oddExtension);
    }

    /** A leaf under "Loop A", whose certificate Loop B signed, whose certificate Loop A signed. */
    private static List<X509Certificate> loopChain() {
        CertificateAuthority a = TestPki.root("CN=Loop A");
        CertificateAuthority b = TestPki.intermediate(a, "CN=Loop B", null);
        java.security.KeyPair aKeys = new java.security.KeyPair(a.certificate().getPublicKey(), a.privateKey());
        CertificateAuthority aUnderB = b.issueSubordinate(CertificateSpec.forSubject("CN=Loop A",
                a.certificate().getPublicKey()).validity(TestPki.NOW.minus(Duration.ofDays(1)), Duration.ofDays(30))
                .certificateAuthority(null), aKeys);
        X509Certificate leaf = TestPki.leaf("CN=x,serialNumber=00809faabbcc").issuedBy(aUnderB);
        return List.of(leaf, aUnderB.certificate(), b.certificate());
    }

    private static CertificateAuthority constrainedRoot(String subject, NameConstraints constraints) {
        CertificateAuthority root = TestPki.root(subject);
        X509Certificate constrained = TestPki.rebuild(root.certificate(), root.privateKey(), "SHA256withECDSA",
                builder -> builder.addExtension(Extension.nameConstraints, true, constraints));
        return new CertificateAuthority(constrained, root.privateKey());
    }

    private static X509Certificate withAlternativeName(X509Certificate leaf, CertificateAuthority issuer,
            GeneralName name) {
        return TestPki.rebuild(leaf, issuer.privateKey(), "SHA256withECDSA",
                builder -> builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name)));
    }

    private void importCrl(String caName, X509CRL crl) {
        Path file = home.resolve(caName + "-" + System.nanoTime() + ".crl");
        PemFiles.writeCrls(file, List.of(crl));
        pki.importCrl(caName, file);
    }

    private DeviceValidation validate(Clock clock, List<X509Certificate> chain, MacAddress requested) {
        return new DeviceCertificateValidator(pki.trusted(), pki.revocations(), pki.manufacturerCrls(), clock, tls())
                .validate(chain, Optional.of(requested));
    }

    /** Whose signature checks go with the validator: the standard (native where it loads) here. */
    TlsProvider tls() {
        return TlsProvider.standard();
    }

    private DeviceCertificateValidator validator() {
        return pki.validator(tls());
    }

    private static Clock at(java.time.Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private void trust(CertificateAuthority ca, String name, MacRule rule, boolean generic) {
        Path file = home.resolve(name + "-ca.pem");
        PemFiles.writeCertificates(file, List.of(ca.certificate()));
        pki.trust(file, Optional.of(name), rule, generic);
    }

    private static void assertAccepted(DeviceValidation result) {
        assertTrue(result.isAccepted(), result.toString());
    }

    private static void assertRefused(RefusalCause expected, DeviceValidation result) {
        assertFalse(result.isAccepted(), "expected " + expected.code() + " but was accepted");
        assertEquals(expected, result.refusal().orElseThrow(), result.detail());
    }
}
