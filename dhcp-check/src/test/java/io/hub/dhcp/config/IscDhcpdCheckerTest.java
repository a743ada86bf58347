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

class IscDhcpdCheckerTest {

    @TempDir
    Path dir;

    private final IscDhcpdChecker checker = new IscDhcpdChecker();

    @Test
    void everyOptionIsJudgedInItsScopeClassSubclassSubnetIfHost() {
        List<Finding> findings = checker.check(file("head-office-dhcpd.conf"), RULES);

        assertEquals(List.of(
                "head-office-dhcpd.conf:16 43 management-url conflict vendor-class \"class \"ale-phones\"\"",
                "head-office-dhcpd.conf:23 67 boot-file info vendor-class \"class \"pxe\"\"",
                "head-office-dhcpd.conf:30 66 management-url info vendor-class \"subclass \"vendors\" "
                        + "\"Polycom-VVX\"\"",
                "head-office-dhcpd.conf:37 66 tftp-server conflict subnet \"subnet 10.1.0.0/24\"",
                "head-office-dhcpd.conf:42 150 tftp-server conflict subnet \"subnet 10.2.0.0/24\"",
                "head-office-dhcpd.conf:44 67 boot-file info client-class \"subnet 10.2.0.0/24 > if option arch = "
                        + "00:07\"",
                "head-office-dhcpd.conf:40 3 no-router warning subnet \"subnet 10.2.0.0/24\"",
                "head-office-dhcpd.conf:40 42 no-ntp info subnet \"subnet 10.2.0.0/24\"",
                "head-office-dhcpd.conf:53 43 tftp-server conflict host \"host desk42 (00:80:9f:11:22:33)\"",
                "head-office-dhcpd.conf:57 67 boot-file info host \"host printer (00:11:22:33:44:55)\""),
                lines(findings));
        assertEquals("sub-options 1=\"https://dm.example.net/ale\"", findings.get(0).decoded(),
                "option 43 is built from the 'ale' option space");
        assertEquals("pxelinux.0 (by TFTP from 10.1.0.6)", findings.get(1).decoded());
        assertEquals("ALE phones send no option 93", findings.get(5).scope().reason());
    }

    @Test
    void aCleanConfigurationHasNothingThatReachesAnAlePhone() {
        List<Finding> findings = checker.check(file("clean-dhcpd.conf"), RULES);

        assertFalse(Finding.anyConflict(findings));
        assertTrue(findings.stream().noneMatch(Finding::reachesAlePhone), lines(findings).toString());
    }

    @Test
    void subclassesByVendorClassAndHardwareAndRestrictedPoolsAreScoped() throws Exception {
        Path conf = write("""
                class "by-vendor" { match option vendor-class-identifier; }
                subclass "by-vendor" "alcatel.sip.0" { option tftp-server-name "10.5.0.5"; }
                class "by-mac" { match hardware; }
                subclass "by-mac" 1:00:15:65:aa:bb:cc { filename "yealink.cfg"; }
                class "printers" { match if option user-class = "printer"; }
                shared-network floor1 {
                  option routers 10.6.0.1;
                  subnet 10.6.0.0 netmask 255.255.255.0 {
                    pool { allow members of "printers"; range 10.6.0.10 10.6.0.20; option tftp-server-name "10.6.0.5"; }
                  }
                }
                """);

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of(
                "dhcpd.conf:2 66 tftp-server conflict vendor-class \"subclass \"by-vendor\" \"alcatel.sip.0\"\"",
                "dhcpd.conf:4 67 boot-file info host \"subclass \"by-mac\" \"1:00:15:65:aa:bb:cc\"\"",
                "dhcpd.conf:9 66 tftp-server info pool \"shared-network floor1 > subnet 10.6.0.0/24 > pool at "
                        + "dhcpd.conf:9 for class \"printers\"\"",
                "dhcpd.conf:8 6 no-dns warning subnet \"shared-network floor1 > subnet 10.6.0.0/24\"",
                "dhcpd.conf:8 42 no-ntp info subnet \"shared-network floor1 > subnet 10.6.0.0/24\""),
                lines(findings));
    }

    @Test
    void includedFilesAreChecked() throws Exception {
        Files.writeString(dir.resolve("phones.conf"), "option tftp-server-name \"pbx.example.net\";\n");
        Path conf = write("include \"phones.conf\";\n");

        assertEquals(List.of("phones.conf:1 66 tftp-server conflict global \"global\""),
                lines(checker.check(conf, RULES)));
    }

    @Test
    void anUnknownOptionIsRefusedWithItsLine() throws Exception {
        Path conf = write("option domain-name \"example.com\";\noption frobnicate 1;\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertEquals("dhcpd.conf line 2: unknown option dhcp.frobnicate (dhcpd 4.4 refuses it; define it with "
                + "'option frobnicate code N = TYPE;')", refused.getMessage(), "in dhcpd's own words");
    }

    @Test
    void aRealBranchFileThatDhcpdAcceptsIsRead() {
        // dhcpd -t accepts the file; PXE clients' boot file does not reach ALE phones, option 150 does.
        List<Finding> findings = checker.check(file("branch-dhcpd.conf"), RULES);

        assertEquals(List.of(
                "branch-dhcpd.conf:14 67 boot-file info vendor-class \"class \"pxe\"\"",
                "branch-dhcpd.conf:21 150 tftp-server conflict subnet \"subnet 10.50.1.0/24\""),
                lines(findings));
    }

    @Test
    void aBlockThatNoDeclarationOpensIsRefusedAsDhcpdRefusesIt() throws Exception {
        Path conf = write("option domain-name \"example.com\";\n{\n  option routers 10.0.0.1;\n}\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertEquals("dhcpd.conf:2: expecting a parameter or declaration, not a '{' with nothing before it",
                refused.getMessage());
    }

    @Test
    void aSubOptionLongerThan255BytesIsSplitAsTheServerSplitsItNotACrash() throws Exception {
        Path conf = write("option space ale;\noption ale.url code 1 = text;\nvendor-option-space ale;\n"
                + "option ale.url \"https://dm.example.net/" + "a".repeat(300) + "\";\n");

        List<String> kinds = checker.check(conf, RULES).stream().map(f -> f.option() + " " + f.kind().code())
                .toList();

        assertTrue(kinds.contains("43 malformed-option"), kinds.toString());
    }

    @Test
    void namesDhcpdKnowsBeyondItsManualPageAreRead() throws Exception {
        Path conf = write("option pxe-system-type 0;\noption tftp-server-address 10.1.1.5;\noption unknown-224 1;\n"
                + "option loader-configfile \"x\";\n");

        assertEquals(List.of("dhcpd.conf:2 150 tftp-server conflict global \"global\""),
                lines(checker.check(conf, RULES)));
    }

    @Test
    void anUndefinedOptionSpaceIsRefused() throws Exception {
        Path conf = write("option ale.url \"https://x\";\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertTrue(refused.getMessage().startsWith("dhcpd.conf line 1: no option space named ale."),
                refused.getMessage());
    }

    @Test
    void brokenSyntaxIsRefusedWithTheLine() throws Exception {
        ConfigException unclosed = assertThrows(ConfigException.class,
                () -> checker.check(write("subnet 10.0.0.0 netmask 255.0.0.0 {\n  range 10.0.0.1 10.0.0.9;\n"),
                        RULES));
        ConfigException noSemicolon = assertThrows(ConfigException.class,
                () -> checker.check(write("option routers 10.0.0.1\n"), RULES));
        ConfigException string = assertThrows(ConfigException.class,
                () -> checker.check(write("filename \"pxelinux.0;\n"), RULES));
        ConfigException stray = assertThrows(ConfigException.class, () -> checker.check(write("}\n"), RULES));

        assertEquals("dhcpd.conf:1: the block opened here is never closed", unclosed.getMessage());
        assertEquals("dhcpd.conf:2: the statement 'option routers 10.0.0.1' has no ';' at its end",
                noSemicolon.getMessage());
        assertEquals("dhcpd.conf:1: a string is never closed", string.getMessage());
        assertEquals("dhcpd.conf:1: a '}' closes nothing", stray.getMessage());
    }

    @Test
    void binaryGarbageIsNotAConfiguration() throws Exception {
        Path garbage = dir.resolve("dhcpd.conf");
        Files.write(garbage, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(garbage, RULES));

        assertEquals(garbage + " is not a text file (a NUL byte at offset 7)", refused.getMessage());
    }

    @Test
    void aMalformedHexValueIsAWarningNotACrash() throws Exception {
        Path conf = write("option vendor-encapsulated-options 01:20:61:62;\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(FindingKind.MALFORMED_OPTION, findings.get(0).kind());
        assertEquals("option 43 (vendor-encapsulated-options) is malformed; a phone may reject the whole reply or "
                + "read a wrong value (it is neither text nor sub-options: sub-option 1 claims 32 bytes but only 2 "
                + "are left)", findings.get(0).why());
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("dhcpd.conf");
        Files.writeString(file, text);
        return file;
    }
}
