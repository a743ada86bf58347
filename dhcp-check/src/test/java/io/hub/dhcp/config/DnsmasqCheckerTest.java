package io.hub.dhcp.config;

import static io.hub.dhcp.config.ConfigFixtures.RULES;
import static io.hub.dhcp.config.ConfigFixtures.file;
import static io.hub.dhcp.config.ConfigFixtures.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsmasqCheckerTest {

    @TempDir
    Path dir;

    private final DnsmasqChecker checker = new DnsmasqChecker();

    @Test
    void everyOptionIsJudgedInItsScopeGlobalTagVendorClassHost() {
        List<Finding> findings = checker.check(file("office-dnsmasq.conf"), RULES);

        assertEquals(List.of(
                "office-dnsmasq.conf:10 66 tftp-server conflict global \"global\"",
                "office-dnsmasq.conf:11 67 boot-file conflict subnet \"tag lab (range 10.30.0.100,10.30.0.199)\"",
                "office-dnsmasq.conf:15 67 boot-file info vendor-class \"tag pxe (vendor class containing "
                        + "'PXEClient')\"",
                "office-dnsmasq.conf:17 67 boot-file info client-class \"tag efi64 (clients sending option 93)\"",
                "office-dnsmasq.conf:21 43 management-url conflict vendor-class \"tag ale (vendor class containing "
                        + "'alcatel')\"",
                "office-dnsmasq.conf:26 66 management-url info host \"tag yealink (MAC 80:5e:c0:*:*:*)\"",
                "office-dnsmasq.conf:30 66 tftp-server conflict host \"tag desk42 (host 00:80:9f:11:22:33,"
                        + "10.20.0.42)\"",
                "office-dnsmasq.conf:31 120 sip-server warning global \"global\"",
                "office-dnsmasq.conf:22 43 management-url info vendor-class \"vendor class containing 'Polycom'\""),
                lines(findings));
        Finding pxe = findings.get(2);
        assertEquals("pxelinux.0 (by TFTP from 10.20.0.6)", pxe.decoded());
        assertEquals("ALE phones send another vendor class", pxe.scope().reason());
        assertEquals("[vendor class Polycom] sub-options 1=\"http://prov.example.net\"", findings.get(8).decoded());
    }

    @Test
    void aCleanConfigurationHasNothingThatReachesAnAlePhone() {
        List<Finding> findings = checker.check(file("clean-dnsmasq.conf"), RULES);

        assertFalse(Finding.anyConflict(findings));
        assertTrue(findings.stream().noneMatch(Finding::reachesAlePhone), lines(findings).toString());
    }

    @Test
    void disablingTheRouterOrDnsIsMissedBasics() throws Exception {
        Path conf = write("port=0\ndhcp-range=10.0.0.10,10.0.0.20,1h\ndhcp-option=3\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of(FindingKind.NO_ROUTER, FindingKind.NO_DNS, FindingKind.NO_NTP),
                findings.stream().map(Finding::kind).toList());
        assertEquals("dnsmasq.conf:2", findings.get(0).where());
    }

    @Test
    void hexOption43AndTheOldVendorClassFormAreRead() throws Exception {
        Path conf = write("""
                dhcp-vendorclass=phones,alcatel.sip
                dhcp-option=net:phones,43,01:0f:74:66:74:70:3a:2f:2f:31:30:2e:31:2e:30:2e:37
                """);

        Finding finding = checker.check(conf, RULES).get(0);

        assertEquals(FindingKind.TFTP_SERVER, finding.kind());
        assertEquals("sub-options 1=\"tftp://10.1.0.7\"", finding.decoded());
        assertTrue(finding.reachesAlePhone());
    }

    @Test
    void includedFilesAreCheckedToo() throws Exception {
        Files.createDirectories(dir.resolve("dnsmasq.d"));
        Files.writeString(dir.resolve("dnsmasq.d/pbx.conf"), "dhcp-option=66,10.1.1.5\n");
        Files.writeString(dir.resolve("dnsmasq.d/old.conf.bak"), "dhcp-option=66,10.9.9.9\n");
        Files.writeString(dir.resolve("extra.conf"), "dhcp-option=67,ale.cfg\n");
        Path conf = write("conf-dir=" + dir.resolve("dnsmasq.d") + ",.bak\nconf-file=extra.conf\n");

        assertEquals(List.of("pbx.conf:1 66 tftp-server conflict global \"global\"",
                "extra.conf:1 67 boot-file conflict global \"global\""), lines(checker.check(conf, RULES)));
    }

    @Test
    void aRealWarehouseFileThatDnsmasqAcceptsIsRead() {
        // dnsmasq --test accepts the file; the scanners' TFTP server does not reach ALE phones, the PBX's does.
        List<Finding> findings = checker.check(file("warehouse-dnsmasq.conf"), RULES);

        assertEquals(List.of(
                "warehouse-dnsmasq.conf:15 66 tftp-server info vendor-class \"tag zebra (vendor class containing "
                        + "'Zebra')\"",
                "warehouse-dnsmasq.conf:16 67 boot-file info vendor-class \"tag zebra (vendor class containing "
                        + "'Zebra')\"",
                "warehouse-dnsmasq.conf:18 120 sip-server warning subnet \"tag voice (range 10.40.8.50,10.40.8.250)\"",
                "warehouse-dnsmasq.conf:19 150 tftp-server conflict subnet \"tag voice (range 10.40.8.50,"
                        + "10.40.8.250)\""),
                lines(findings));
    }

    @Test
    void anUnknownOptionNameIsAWarningInDnsmasqsWords() throws Exception {
        Path conf = write("dhcp-option=option:frobnicate,1\ndhcp-option=66,10.1.1.5\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("dnsmasq.conf:1 0 unknown-option warning global \"global\"",
                "dnsmasq.conf:2 66 tftp-server conflict global \"global\""), lines(findings));
        assertTrue(findings.get(0).why().startsWith("option:frobnicate (dnsmasq 2.90 stops with: bad dhcp-option at "
                + "line 1 of dnsmasq.conf) is not known to this checker"), findings.get(0).why());
    }

    @Test
    void anUnknownDirectiveIsAWarningInDnsmasqsWords() throws Exception {
        Path conf = write("domain=example.com\nfrobnicate=1\nlocal-service\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("dnsmasq.conf:2 0 unknown-directive warning global \"global\""), lines(findings));
        assertTrue(findings.get(0).why().startsWith("directive 'frobnicate' (dnsmasq 2.90 stops with: bad option at "
                + "line 2 of dnsmasq.conf)"), findings.get(0).why());
    }

    @Test
    void aLineThatIsNoDirectiveIsRefusedAsDnsmasqRefusesIt() throws Exception {
        Path conf = write("domain=example.com\n[dhcp]\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertEquals("dnsmasq.conf:2: bad option at line 2 of dnsmasq.conf ('[dhcp]' is not a dnsmasq directive)",
                refused.getMessage());
    }

    @Test
    void anOptionThatIsNoNumberIsRefused() throws Exception {
        Path conf = write("dhcp-option=tftp,10.1.1.5\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertEquals("dnsmasq.conf:1: bad dhcp-option: 'tftp' is neither an option number (0-255) nor option:NAME",
                refused.getMessage());
    }

    @Test
    void binaryGarbageIsNotAConfiguration() throws Exception {
        Path garbage = dir.resolve("garbage.conf");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        bytes[100] = 0;
        Files.write(garbage, bytes);
        Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, new byte[] {'d', 'h', 'c', 'p', (byte) 0xe9, '\n'});

        ConfigException nul = assertThrows(ConfigException.class, () -> checker.check(garbage, RULES));
        ConfigException notUtf8 = assertThrows(ConfigException.class, () -> checker.check(latin1, RULES));
        ConfigException missing = assertThrows(ConfigException.class,
                () -> checker.check(dir.resolve("none.conf"), RULES));

        assertTrue(nul.getMessage().matches(".*garbage.conf is not a text file \\(a NUL byte at offset \\d+\\)"),
                nul.getMessage());
        assertEquals(latin1 + " is not a text file (it is not UTF-8)", notUtf8.getMessage());
        assertEquals("cannot read " + dir.resolve("none.conf") + ": no such file", missing.getMessage());
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("dnsmasq.conf");
        Files.writeString(file, text);
        return file;
    }
}
