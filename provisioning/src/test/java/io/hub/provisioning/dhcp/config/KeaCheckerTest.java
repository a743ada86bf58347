package io.hub.provisioning.dhcp.config;

import static io.hub.provisioning.dhcp.config.ConfigFixtures.RULES;
import static io.hub.provisioning.dhcp.config.ConfigFixtures.file;
import static io.hub.provisioning.dhcp.config.ConfigFixtures.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.dhcp.Finding;
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
    void anUnknownOptionNameIsRefusedWithItsLine() throws Exception {
        Path conf = write("{\"Dhcp4\": {\n  \"option-data\": [\n    { \"name\": \"frobnicate\", \"data\": \"1\" }\n"
                + "  ]\n}}\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> checker.check(conf, RULES));

        assertEquals("kea.conf:3 (/Dhcp4/option-data/0): unknown option name 'frobnicate' in space dhcp4 (not a Kea "
                + "option and not in option-def)", refused.getMessage());
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
