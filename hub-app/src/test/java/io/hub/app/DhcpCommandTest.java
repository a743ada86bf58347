package io.hub.app;

import static io.hub.app.CommandLineRun.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hub dhcp check} and the refusals of {@code hub dhcp probe}, run in process. */
class DhcpCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aConflictIsATableWithWhyAndFixAndExitOne() throws Exception {
        Path conf = write("dnsmasq.conf", """
                dhcp-range=10.0.0.100,10.0.0.199,1h
                dhcp-option=42,10.0.0.1
                dhcp-option=66,"tftp://10.1.1.5"
                """);

        CommandLineRun run = hub("dhcp", "check", "--dnsmasq", conf.toString(), "--discovery-url",
                "https://hub.example.com:8443/rdd/v1/discovery");

        assertEquals(1, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("dnsmasq " + conf + ", compared with https://hub.example.com:8443/rdd/v1/discovery", lines.get(0));
        assertTrue(lines.get(1).matches("SEVERITY +OPT +VALUE +SCOPE +ALE +WHERE"), lines.get(1));
        assertTrue(lines.get(2).matches("conflict +66 +tftp://10\\.1\\.1\\.5 +global +yes +dnsmasq\\.conf:3"),
                lines.get(2));
        assertTrue(lines.get(3).strip().startsWith("why: option 66 (tftp-server-name) points the phone at a TFTP "
                + "server"), lines.get(3));
        assertTrue(lines.get(4).strip().endsWith("set it to the hub's discovery URL "
                + "https://hub.example.com:8443/rdd/v1/discovery"), lines.get(4));
        assertEquals("1 conflict, 0 warnings, 0 acceptable, 0 info", lines.get(5));
        assertFalse(run.out().contains("\u001b["), "no colour when the output is not a terminal");
        assertEquals("", run.err());
    }

    @Test
    void jsonHasEveryFieldOfEveryFinding() throws Exception {
        Path conf = write("dhcpd.conf", """
                class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; }
                subnet 10.1.0.0 netmask 255.255.255.0 {
                  range 10.1.0.10 10.1.0.20;
                  option routers 10.1.0.1; option domain-name-servers 10.1.0.1; option ntp-servers 10.1.0.1;
                  option tftp-server-name "https://hub.example.com:8443/rdd/v1/discovery";
                }
                """);

        CommandLineRun run = hub("dhcp", "check", "--isc", conf.toString(), "--json", "--discovery-url",
                "https://hub.example.com:8443/rdd/v1/discovery");

        assertEquals(0, run.exitCode(), "the hub's own URL is acceptable, not a conflict: " + run.err());
        JsonNode json = JSON.readTree(run.out());
        assertFalse(json.get("conflict").asBoolean());
        JsonNode finding = json.get("findings").get(0);
        assertEquals("acceptable", finding.get("severity").asText());
        assertEquals("matches-hub", finding.get("kind").asText());
        assertEquals(66, finding.get("option").asInt());
        assertEquals("\"https://hub.example.com:8443/rdd/v1/discovery\"", finding.get("raw").asText());
        assertEquals("subnet", finding.get("scope").asText());
        assertEquals("subnet 10.1.0.0/24", finding.get("scopeName").asText());
        assertTrue(finding.get("reachesAlePhone").asBoolean());
        assertEquals("dhcpd.conf:5", finding.get("where").asText());
        assertTrue(finding.get("fix").asText().startsWith("remove it when you can"));
    }

    @Test
    void aCleanConfigurationExitsZeroAndSaysSo() throws Exception {
        Path conf = write("kea.conf", """
                {"Dhcp4": {"option-data": [
                  {"name": "routers", "data": "10.8.0.1"}, {"name": "domain-name-servers", "data": "10.8.0.2"},
                  {"name": "ntp-servers", "data": "10.8.0.1"}],
                 "subnet4": [{"id": 1, "subnet": "10.8.0.0/24", "pools": [{"pool": "10.8.0.10 - 10.8.0.20"}]}]}}
                """);

        CommandLineRun run = hub("dhcp", "check", "--kea", conf.toString(), "--home", dir.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().endsWith("nothing found: no option reaching ALE phones breaks zero-touch\n"), run.out());
    }

    @Test
    void theDefaultDiscoveryUrlComesFromHubYaml() throws Exception {
        Path conf = write("dnsmasq.conf", "dhcp-option=66,https://hub.example.com:9443\n");
        Path named = Files.createDirectories(dir.resolve("named"));
        Files.writeString(named.resolve("hub.yaml"), "serverNames: [localhost, hub.example.com]\nhttpsPort: 9443\n");
        Path addressed = Files.createDirectories(dir.resolve("addressed"));
        Files.writeString(addressed.resolve("hub.yaml"), "publicAddress: 192.0.2.10\n");

        CommandLineRun byName = hub("dhcp", "check", "--dnsmasq", conf.toString(), "--home", named.toString());
        CommandLineRun byAddress = hub("dhcp", "check", "--dnsmasq", conf.toString(), "--home", addressed.toString());
        CommandLineRun none = hub("dhcp", "check", "--dnsmasq", conf.toString(), "--home", dir.resolve("x").toString());

        assertEquals(0, byName.exitCode(), byName.out());
        assertTrue(byName.out().startsWith("dnsmasq " + conf + ", compared with "
                + "https://hub.example.com:9443/rdd/v1/discovery"), byName.out());
        assertEquals(1, byAddress.exitCode());
        assertTrue(byAddress.out().contains("compared with https://192.0.2.10:8443/rdd/v1/discovery"));
        assertTrue(none.out().contains("compared with https://localhost:8443/rdd/v1/discovery"));
    }

    @Test
    void unreadableInputIsOneLineAndExitTwo() throws Exception {
        Path garbage = dir.resolve("garbage.bin");
        byte[] bytes = new byte[2048];
        new java.util.Random(3).nextBytes(bytes);
        bytes[10] = 0;
        Files.write(garbage, bytes);
        Path unknown = write("dnsmasq.conf", "dhcp-option=tftp,10.1.1.5\n");

        List<CommandLineRun> runs = new ArrayList<>();
        runs.add(hub("dhcp", "check", "--isc", garbage.toString(), "--discovery-url", "https://h"));
        runs.add(hub("dhcp", "check", "--dnsmasq", unknown.toString(), "--discovery-url", "https://h"));
        runs.add(hub("dhcp", "check", "--kea", dir.resolve("missing.json").toString(), "--discovery-url", "https://h"));
        runs.add(hub("dhcp", "check", "--dnsmasq", unknown.toString(), "--discovery-url", "http://hub/"));
        runs.add(hub("dhcp", "check", "--dnsmasq", unknown.toString(), "--isc", unknown.toString()));
        runs.add(hub("dhcp", "check"));

        assertEquals(List.of(
                "hub: " + garbage + " is not a text file (a NUL byte at offset 10)",
                "hub: dnsmasq.conf:1: bad dhcp-option: 'tftp' is neither an option number (0-255) nor option:NAME",
                "hub: cannot read " + dir.resolve("missing.json") + ": no such file",
                "hub: --discovery-url: the discovery URL 'http://hub/' is not an https URL with a host"),
                runs.subList(0, 4).stream().map(CommandLineRun::errorLine).toList());
        assertTrue(runs.get(4).errorLine().contains("mutually exclusive"), runs.get(4).err());
        assertTrue(runs.get(5).errorLine().contains("Missing required argument"), runs.get(5).err());
        runs.forEach(run -> assertEquals(2, run.exitCode(), run.err()));
        runs.forEach(run -> assertEquals("", run.out()));
    }

    @Test
    void aProbeThatCannotRunIsOneLineAndExitTwo() {
        CommandLineRun missing = hub("dhcp", "probe", "--interface", "hub-nope0", "--discovery-url", "https://h");
        CommandLineRun loopback = hub("dhcp", "probe", "--interface", "lo", "--discovery-url", "https://h");
        CommandLineRun timeout = hub("dhcp", "probe", "--interface", "lo", "--timeout", "0");
        CommandLineRun vendorClass = hub("dhcp", "probe", "--interface", "lo", "--vendor-class", "");

        assertEquals("hub: no network interface 'hub-nope0' (ip link lists them)", missing.errorLine());
        assertEquals("hub: interface lo is a loopback; no DHCP server answers there", loopback.errorLine());
        assertEquals("hub: --timeout must be 1 to 60 seconds, not 0", timeout.errorLine());
        assertEquals("hub: --vendor-class must be 1 to 255 printable ASCII characters", vendorClass.errorLine());
        for (CommandLineRun run : List.of(missing, loopback, timeout, vendorClass)) {
            assertEquals(2, run.exitCode());
        }
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
