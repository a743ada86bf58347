package io.hub.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DhcpRulesTest {

    private static final DiscoveryUrl HUB = DiscoveryUrl.parse("https://hub.example.com:8443/rdd/v1/discovery");
    private final DhcpRules rules = new DhcpRules(HUB);

    private List<Finding> check(int code, String value) {
        return rules.check(OptionValue.text(code, value, "test:1"), Scope.global(), DhcpRules.Context.NONE);
    }

    @Test
    void aTftpUrlInOption66IsAConflictWithItsWhyAndFix() {
        Finding finding = check(66, "tftp://10.1.1.5").get(0);

        assertEquals(FindingKind.TFTP_SERVER, finding.kind());
        assertEquals(FindingKind.Severity.CONFLICT, finding.severity());
        assertEquals("tftp://10.1.1.5", finding.location());
        assertEquals("option 66 (tftp-server-name) points the phone at a TFTP server on the LAN (a PBX or boot "
                + "server); the phone fetches its configuration there instead of from the hub", finding.why());
        assertTrue(finding.fix().endsWith("set it to the hub's discovery URL " + HUB), finding.fix());
        assertTrue(finding.reachesAlePhone());
    }

    @Test
    void aBareAddressInOption66IsATftpServerAndAnHttpsUrlElsewhereIsAManagementUrl() {
        assertEquals(FindingKind.TFTP_SERVER, check(66, "10.1.1.5").get(0).kind());
        assertEquals(FindingKind.MANAGEMENT_URL, check(66, "https://dm.example.net/ale").get(0).kind());
        assertEquals(FindingKind.MANAGEMENT_URL, check(160, "http://prov.example.net/").get(0).kind());
        assertEquals(FindingKind.TFTP_SERVER, rules.check(new OptionValue(150, HexFormat.of().parseHex("0a010105"),
                "10.1.1.5", "t"), Scope.global(), DhcpRules.Context.NONE).get(0).kind());
    }

    @Test
    void theHubsOwnUrlIsAcceptableInEveryUsualSpelling() {
        for (String value : List.of("https://hub.example.com:8443/rdd/v1/discovery",
                "HTTPS://HUB.example.com:8443/rdd/v1/discovery/", "https://hub.example.com:8443",
                "https://hub.example.com:8443/")) {
            List<Finding> findings = check(66, value);
            assertEquals(1, findings.size(), value);
            assertEquals(FindingKind.MATCHES_HUB, findings.get(0).kind(), value);
            assertEquals(FindingKind.Severity.ACCEPTABLE, findings.get(0).severity());
        }
        assertEquals(FindingKind.MANAGEMENT_URL, check(66, "https://hub.example.com/rdd/v1/discovery").get(0).kind(),
                "another port is another server");
        assertEquals(FindingKind.MANAGEMENT_URL, check(66, "http://hub.example.com:8443/rdd/v1/discovery").get(0)
                .kind(), "plain HTTP is not the hub");
        assertEquals(FindingKind.MANAGEMENT_URL, check(66, "https://hub.example.com:8443/other").get(0).kind());
    }

    @Test
    void theDefaultHttpsPortNeedNotBeWritten() {
        DhcpRules on443 = new DhcpRules(DiscoveryUrl.of("rdd.example.com", 443));

        List<Finding> findings = on443.check(OptionValue.text(43, "https://rdd.example.com", "t"), Scope.global(),
                DhcpRules.Context.NONE);

        assertEquals(FindingKind.MATCHES_HUB, findings.get(0).kind());
    }

    @Test
    void aBootFileIsAConflictThatSaysWhereItWouldBeFetchedFrom() {
        Finding withServer = rules.check(OptionValue.text(67, "ale/startup.cfg", "t"), Scope.global(),
                new DhcpRules.Context(null, "10.1.1.5")).get(0);
        Finding alone = check(67, "pxelinux.0").get(0);

        assertEquals(FindingKind.BOOT_FILE, withServer.kind());
        assertEquals("ale/startup.cfg (by TFTP from 10.1.1.5)", withServer.decoded());
        assertEquals("pxelinux.0 (by TFTP from the DHCP server itself)", alone.decoded());
    }

    @Test
    void option43SubOptionsNamingAServerConflictAndOpaqueVendorDataIsOnlyInfo() {
        byte[] url = "https://dm.example.net".getBytes(StandardCharsets.US_ASCII);
        byte[] withUrl = new byte[url.length + 2];
        withUrl[0] = 1;
        withUrl[1] = (byte) url.length;
        System.arraycopy(url, 0, withUrl, 2, url.length);

        Finding conflict = rules.check(new OptionValue(43, withUrl, "raw", "t"), Scope.global(),
                DhcpRules.Context.NONE).get(0);
        Finding opaque = rules.check(new OptionValue(43, HexFormat.of().parseHex("0104000000ff"), "raw", "t"),
                Scope.global(), DhcpRules.Context.NONE).get(0);

        assertEquals(FindingKind.MANAGEMENT_URL, conflict.kind());
        assertEquals("https://dm.example.net", conflict.location());
        assertEquals(FindingKind.VENDOR_DATA, opaque.kind());
        assertEquals(FindingKind.Severity.INFO, opaque.severity());
    }

    @Test
    void aMalformedOptionIsAWarningAndStillJudgedForWhatCouldBeRead() {
        // Sub-option 1 names a server; sub-option 2 lies about its length.
        byte[] bytes = HexFormat.of().parseHex("0108" + HexFormat.of().formatHex("10.1.1.5".getBytes(
                StandardCharsets.US_ASCII)) + "02ff00");

        List<Finding> findings = rules.check(new OptionValue(43, bytes, "raw", "t"), Scope.global(),
                DhcpRules.Context.NONE);

        assertEquals(List.of(FindingKind.MALFORMED_OPTION, FindingKind.MANAGEMENT_URL),
                findings.stream().map(Finding::kind).toList());
        assertTrue(findings.get(0).why().endsWith("(sub-option 2 claims 255 bytes but only 1 are left)"),
                findings.get(0).why());
    }

    @Test
    void aScopeThatDoesNotReachAlePhonesTurnsAConflictIntoInfo() {
        Scope pxe = new Scope(Scope.Level.VENDOR_CLASS, "vendor class PXEClient", false,
                "ALE phones send another vendor class");

        Finding finding = rules.check(OptionValue.text(66, "10.1.1.5", "t"), pxe, DhcpRules.Context.NONE).get(0);

        assertEquals(FindingKind.TFTP_SERVER, finding.kind());
        assertEquals(FindingKind.Severity.INFO, finding.severity());
        assertFalse(finding.reachesAlePhone());
        assertTrue(finding.why().endsWith("; but this scope does not reach ALE phones (ALE phones send another "
                + "vendor class)"), finding.why());
        assertEquals("nothing to do for ALE phones", finding.fix());
        assertFalse(Finding.anyConflict(List.of(finding)));
    }

    @Test
    void theBasicsASipPhoneNeedsAreCheckedOptionByOption() {
        List<Finding> none = rules.basics(Set.of(1), Scope.global(), "the reply", "t");
        List<Finding> all = rules.basics(Set.of(1, 3, 6, 42), Scope.global(), "the reply", "t");

        assertEquals(List.of(FindingKind.NO_ROUTER, FindingKind.NO_DNS, FindingKind.NO_NTP),
                none.stream().map(Finding::kind).toList());
        assertEquals("the reply gives no router (option 3); the phone cannot leave its subnet to reach the hub",
                none.get(0).why());
        assertEquals(FindingKind.Severity.INFO, none.get(2).severity());
        assertEquals(List.of(), all);
    }

    @Test
    void optionsThatDoNotRouteThePhoneGiveNoFinding() {
        assertEquals(List.of(), check(15, "example.com"));
        assertEquals(List.of(), check(66, ""));
        assertEquals(List.of(), rules.check(new OptionValue(3, HexFormat.of().parseHex("0a000001"), "10.0.0.1", "t"),
                Scope.global(), DhcpRules.Context.NONE));
    }

    @Test
    void theDiscoveryUrlMustBeHttpsWithAHost() {
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> DiscoveryUrl.parse("http://hub.example.com/rdd/v1/discovery"));
        assertEquals("the discovery URL 'http://hub.example.com/rdd/v1/discovery' is not an https URL with a host",
                http.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiscoveryUrl.parse("hub.example.com"));
        assertEquals("https://[::1]:8443/rdd/v1/discovery", DiscoveryUrl.of("::1", 8443).toString());
    }

    @Test
    void scopesNarrowAndKeepTheReasonThatExcludesAlePhones() {
        Scope subnet = Scope.of(Scope.Level.SUBNET, "subnet 10.1.0.0/24");
        Scope pxe = new Scope(Scope.Level.VENDOR_CLASS, "class \"pxe\"", false, "another vendor class");

        Scope both = subnet.within(pxe);

        assertEquals(Scope.Level.VENDOR_CLASS, both.level());
        assertEquals("subnet 10.1.0.0/24 > class \"pxe\"", both.name());
        assertFalse(both.reachesAlePhone());
        assertEquals("another vendor class", both.reason());
        assertEquals(subnet, Scope.global().within(subnet));
    }

    @Test
    void aleVendorClassesAndMacsAreRecognised() {
        assertTrue(AlePhones.isAleVendorClass("alcatel.sip.0"));
        assertTrue(AlePhones.isAleVendorClass("ALE-SIP"));
        assertFalse(AlePhones.isAleVendorClass("PXEClient"));
        assertFalse(AlePhones.isAleVendorClass("alex"));
        assertTrue(AlePhones.matchesAleVendorClass("sip", true), "dnsmasq matches a class by substring");
        assertFalse(AlePhones.matchesAleVendorClass("sip", false));
        assertTrue(AlePhones.isAleMac("00:80:9F:AA:BB:CC"));
        assertTrue(AlePhones.isAleMac("00:80:9f:*:*:*"));
        assertFalse(AlePhones.isAleMac("00:15:65:aa:bb:cc"));
    }
}
