package io.hub.dhcp.config;

import static io.hub.dhcp.config.ConfigFixtures.RULES;
import static io.hub.dhcp.config.ConfigFixtures.file;
import static io.hub.dhcp.config.ConfigFixtures.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.dhcp.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeaCheckerTest {

    @TempDir
    Path dir;

    private final KeaChecker checker = new KeaChecker();

    @Test
    void everyOptionIsJudgedAtItsLevelClassSubnetPoolReservation() {
        List<Finding> findings = checker.check(file("branch-kea.conf"), RULES);

        assertEquals(List.of(
                "branch-kea.conf:21 43 management-url conflict vendor-class \"class ale\"",
                "branch-kea.conf:24 67 boot-file info client-class \"class pxe\"",
                "branch-kea.conf:32 66 management-url info vendor-class \"class VENDOR_CLASS_yealink\"",
                "branch-kea.conf:42 66 tftp-server conflict subnet \"subnet 10.3.0.0/24\"",
                "branch-kea.conf:48 67 boot-file conflict host \"subnet 10.3.0.0/24 > host (00:80:9f:11:22:33)\"",
                "branch-kea.conf:56 150 tftp-server conflict subnet \"subnet 10.4.0.0/24\"",
                "branch-kea.conf:52 3 no-router warning subnet \"subnet 10.4.0.0/24\""),
                lines(findings));
        assertEquals("branch-kea.conf:21 (/Dhcp4/client-classes/0/option-data/1)", findings.get(0).where());
        assertEquals("sub-options 1=\"https://dm.example.net/ale\"", findings.get(0).decoded());
        assertEquals("pxelinux.0 (by TFTP from 10.3.0.6)", findings.get(1).decoded());
    }

    @Test
    void aVendorSubOptionWhoseAddressIsANameLeavesNothingToJudgeAndNoCrash() throws Exception {
        // Found by the kea fuzz target: an address-typed sub-option given a URL once failed with
        // a NullPointerException instead of a verdict.
        Path conf = write("""
                {"Dhcp4": {
                  "option-def": [ { "name": "dm-addr", "code": 1, "space": "vendor-encapsulated-options-space",
                                    "type": "ipv4-address" } ],
                  "option-data": [
                    { "name": "routers", "data": "10.7.0.1" }, { "name": "domain-name-servers", "data": "10.7.0.1" },
                    { "name": "ntp-servers", "data": "10.7.0.1" },
                    { "name": "dm-addr", "space": "vendor-encapsulated-options-space", "data": "dm.example.net" }
                  ],
                  "subnet4": [ { "id": 1, "subnet": "10.7.0.0/24", "pools": [ { "pool": "10.7.0.10 - 10.7.0.20" } ] } ]
                }}
                """);

        assertTrue(lines(checker.check(conf, RULES)).stream().noneMatch(line -> line.contains(" 43 ")));
    }

    @Test
    void aCleanConfigurationFindsNothing() {
        assertEquals(List.of(), checker.check(file("clean-kea.conf"), RULES));
    }

    @Test
    void hexDataAndPoolsRestrictedToAClassAreRead() throws Exception {
        Path conf = write("""
                {"Dhcp4": {
                  "client-classes": [ { "name": "yealink", "test": "substring(option[60].hex,0,7) == 'yealink'" } ],
                  "option-data": [
                    { "name": "routers", "data": "10.7.0.1" }, { "name": "domain-name-servers", "data": "10.7.0.1" },
                    { "name": "ntp-servers", "data": "10.7.0.1" },
                    { "code": 43, "csv-format": false, "data": "01 0F 74667470 3A2F2F31 302E312E 302E37" }
                  ],
                  "subnet4": [ { "id": 1, "subnet": "10.7.0.0/24", "pools": [
                    { "pool": "10.7.0.10 - 10.7.0.20", "client-class": "yealink",
                      "option-data": [ { "name": "tftp-server-name", "data": "10.7.0.5" } ] } ] } ]
                }}
                """);

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("kea.conf:6 43 tftp-server conflict global \"global\"",
                "kea.conf:10 66 tftp-server info pool \"subnet 10.7.0.0/24 > pool 10.7.0.10 - 10.7.0.20 for class "
                        + "yealink\""), lines(findings));
        assertEquals("sub-options 1=\"tftp://10.1.0.7\"", findings.get(0).decoded());
    }

    @Test
    void aRealKeaFileWithCommentsTrailingCommasPointNumbersAndIncludesIsRead() {
        List<Finding> findings = checker.check(file("campus-kea/kea-dhcp4.conf"), RULES);

        assertEquals(List.of("floor2.json:8 66 tftp-server conflict subnet \"subnet 10.20.2.0/24\""), lines(findings),
                "options.json gives DNS and NTP to both floors; vendor-4491 is Kea's own space");
        assertEquals("floor2.json:8 (/Dhcp4/subnet4/1/option-data/1)", findings.get(0).where());
    }

    @Test
    void anUnknownOptionNameIsAWarningThatNamesIt() throws Exception {
        Path conf = write("{\"Dhcp4\": {\n  \"option-data\": [\n    { \"name\": \"frobnicate\", \"data\": \"1\" },\n"
                + "    { \"name\": \"tftp-server-name\", \"data\": \"10.1.1.5\" }\n  ]\n}}\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("kea.conf:3 0 unknown-option warning global \"global\"",
                "kea.conf:4 66 tftp-server conflict global \"global\""), lines(findings),
                "the check goes on past the unknown option");
        assertTrue(findings.get(0).why().startsWith("option 'frobnicate' in space dhcp4 is not known to this checker"),
                findings.get(0).why());
    }

    @Test
    void anOptionInASpaceTheCheckerDoesNotKnowIsAWarningThatNamesTheSpace() throws Exception {
        Path conf = write("""
                {"Dhcp4": { "option-data": [
                  { "space": "vendor-7777", "name": "lab-boot", "data": "01" },
                  { "space": "vendor-7777", "code": 3, "data": "01" },
                  { "space": "dhcp-agent-options-space", "name": "circuit-id", "data": "ab" },
                  { "space": "vendor-4491", "name": "oro", "data": "1" }
                ]}}
                """);

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("kea.conf:2 0 unknown-option warning global \"global\"",
                "kea.conf:3 3 unknown-option warning global \"global\""), lines(findings));
        assertTrue(findings.get(0).why().startsWith("option 'lab-boot' in space vendor-7777, a space this checker "
                + "does not know,"), findings.get(0).why());
        assertTrue(findings.get(1).why().startsWith("option 3 in space vendor-7777"), findings.get(1).why());
    }

    @Test
    void everyStandardNameKeaDefinesIsKnown() throws Exception {
        Path conf = write("""
                {"Dhcp4": { "option-data": [
                  { "name": "associated-ip", "data": "10.0.0.1" }, { "name": "subnet-selection", "data": "10.0.0.1" },
                  { "name": "v4-captive-portal", "data": "https://portal" }, { "name": "authenticate", "data": "01" },
                  { "name": "client-last-transaction-time", "data": "1" }
                ]}}
                """);

        assertEquals(List.of(), checker.check(conf, RULES));
    }

    @Test
    void kEasNumberFormsAndCommentsOfThreeKindsAreRead() throws Exception {
        Path conf = write("""
                # a comment
                {"Dhcp4": { // another
                  /* and a
                     block */ "t1-percent": .5, "t2-percent": 0.875, "valid-lifetime": 4000.,
                  "option-data": [ { "name": "tftp-server-name", "data": "10.1.1.5" }, ],
                }}
                """);

        assertEquals(List.of("kea.conf:5 66 tftp-server conflict global \"global\""),
                lines(checker.check(conf, RULES)));
    }

    @Test
    void aCommentedOutIncludeIsNotRead() throws Exception {
        Path conf = write("""
                {"Dhcp4": {
                  # "option-data": <?include "missing.json" ?>,
                  /* <?include "missing.json" ?> */
                  "server-tag": "<?include \\"missing.json\\" ?>"
                }}
                """);

        assertEquals(List.of(), checker.check(conf, RULES));
    }

    @Test
    void includesAreBoundedInDepthAndAMissingOneIsRefused() throws Exception {
        Files.writeString(dir.resolve("loop.json"), "<?include \"loop.json\" ?>\n");
        Path loop = write("{\"Dhcp4\": <?include \"loop.json\" ?> }\n");
        ConfigException deep = assertThrows(ConfigException.class, () -> checker.check(loop, RULES));
        Path missing = write("{\"Dhcp4\": {\n \"option-data\": <?include \"none.json\" ?>\n}}\n");
        ConfigException absent = assertThrows(ConfigException.class, () -> checker.check(missing, RULES));
        Path unclosed = write("{\"Dhcp4\": <?include \"loop.json\" }\n");
        ConfigException open = assertThrows(ConfigException.class, () -> checker.check(unclosed, RULES));

        assertEquals("loop.json:1: Too many nested include (more than 10 deep)", deep.getMessage());
        assertTrue(absent.getMessage().startsWith("kea.conf:2: Can't open include file \"none.json\""),
                absent.getMessage());
        assertEquals("kea.conf:1: syntax error, <?include \"loop.json\" is not closed by ?>", open.getMessage());
    }

    @Test
    void anIncludeFromOutsideTheConfigurationDirectoryIsReadAndReported() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/kea"));
        Files.writeString(dir.resolve("outside.json"), "[ { \"name\": \"domain-name\", \"data\": \"x.org\" } ]\n");
        Path conf = Files.writeString(etc.resolve("kea.conf"),
                "{\"Dhcp4\": {\n \"option-data\": <?include \"../../outside.json\" ?>\n}}\n");

        List<Finding> findings = checker.check(conf, RULES);

        assertEquals(List.of("kea.conf:2 0 include-outside warning global \"global\""), lines(findings));
        assertEquals("<?include \"../../outside.json\" ?>", findings.get(0).raw());
    }

    @Test
    void notJsonOrNotDhcp4IsRefused() throws Exception {
        ConfigException broken = assertThrows(ConfigException.class,
                () -> checker.check(write("{\"Dhcp4\": {\n  \"subnet4\": [ \n}"), RULES));
        ConfigException dhcp6 = assertThrows(ConfigException.class,
                () -> checker.check(write("{\"Dhcp6\": {}}"), RULES));
        ConfigException hex = assertThrows(ConfigException.class, () -> checker.check(write(
                "{\"Dhcp4\": {\"option-data\": [{\"code\": 43, \"csv-format\": false, \"data\": \"zz\"}]}}"), RULES));

        assertTrue(broken.getMessage().startsWith("kea.conf:3: not Kea JSON: "), broken.getMessage());
        assertEquals("kea.conf has no \"Dhcp4\" object; it is not a Kea DHCPv4 configuration", dhcp6.getMessage());
        assertEquals("kea.conf:1 (/Dhcp4/option-data/0): data 'zz' is not hex although csv-format is false",
                hex.getMessage());
    }

    @Test
    void binaryGarbageIsNotAConfiguration() throws Exception {
        Path garbage = dir.resolve("kea.conf");
        Files.write(garbage, new byte[] {'{', 0, 1, 2, '}'});

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(garbage, RULES));

        assertEquals(garbage + " is not a text file (a NUL byte at offset 1)", refused.getMessage());
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("kea.conf");
        Files.writeString(file, text);
        return file;
    }
}
