package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's commands against a running hub: {@code hub registrations} and {@code hub calls}
 * as tables and as JSON, and the one-line errors of uploads the hub refused, empty files, a second
 * start on a home in use and a fleet of phones nobody enrolled.
 */
class OperatorCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Hub hub;
    private String home;
    private final List<CallPhone> phones = new ArrayList<>();

    @BeforeEach
    void start() {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        home = dir.resolve("var").toString();
    }

    @AfterEach
    void stop() {
        phones.forEach(CallPhone::close);
        hub.close();
    }

    @Test
    void registrationsAreATableOfBindingsAndTheirFlows() throws Exception {
        registered("1001", "00809f000001");
        registered("1002", "00809f000002");

        CommandLineRun table = admin("registrations");
        CommandLineRun one = admin("registrations", "--aor", "1002");
        CommandLineRun json = admin("registrations", "--aor", "sip:1001@hub.test", "--json");
        CommandLineRun none = admin("registrations", "--aor", "1009");

        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).matches("AOR +MAC +FLOW +SOURCE +TRANSPORT +EXPIRES +LAST KEEPALIVE +USER AGENT"),
                table.out());
        assertTrue(lines.get(1).matches("sip:1001@hub\\.test +00809f000001 +up +127\\.0\\.0\\.1:\\d+ +TLS +\\d+s .*"),
                table.out());
        assertTrue(lines.get(2).startsWith("sip:1002@hub.test "), table.out());
        assertEquals("2 binding(s), 2 flow(s)", lines.get(3));
        assertEquals(3, one.out().lines().count(), one.out());
        assertTrue(one.out().contains("sip:1002@hub.test"), one.out());
        JsonNode bindings = JSON.readTree(json.out());
        assertEquals(1, bindings.size());
        assertEquals("00809f000001", bindings.get(0).get("mac").asText());
        assertEquals(1, none.exitCode());
        assertEquals("hub: no registration of 1009", none.errorLine());
    }

    @Test
    void callsAreATableWithEachLegsMediaFigures() throws Exception {
        CommandLineRun idle = admin("calls");
        CallPhone caller = registered("1001", "00809f000001");
        CallPhone callee = registered("1002", "00809f000002");
        CallPhone.call(caller, callee);

        CommandLineRun table = admin("calls");
        CommandLineRun json = admin("calls", "--json");

        assertEquals("no active call", idle.out().strip());
        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).matches("CALL-ID +CALLER +CALLEE +STATE +SECONDS +CALLER LOSS/JITTER "
                + "+CALLEE LOSS/JITTER"), table.out());
        assertTrue(lines.get(1).matches("\\S+ +sip:1001@hub\\.test +sip:1002@hub\\.test +answered +\\d+ +"
                + "\\d+\\.\\d\\d%/\\d+\\.\\dms( !)? +\\d+\\.\\d\\d%/\\d+\\.\\dms( !)?"), table.out());
        assertEquals("1 active call(s); bounds: jitter 30 ms, loss 1 %", lines.get(2));
        JsonNode calls = JSON.readTree(json.out());
        assertEquals("sip:1001@hub.test", calls.get("active").get(0).get("caller").asText());
    }

    @Test
    void anUploadTheHubRefusedSaysWhyAndAnEmptyFileIsRefusedBeforeSending() throws Exception {
        Path image = Files.write(dir.resolve("image.bin"), new byte[4 * 1024 * 1024]);
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        Path emptyCsv = Files.createFile(dir.resolve("phones.csv"));

        CommandLineRun unknown = admin("firmware", "upload", "--model", "Myriad M9", "--version", "2.0", image.toString());
        CommandLineRun first = admin("firmware", "upload", "--model", "Myriad M7", "--version", "2.0", image.toString());
        CommandLineRun again = admin("firmware", "upload", "--model", "Myriad M7", "--version", "2.0", image.toString());
        CommandLineRun nothing = admin("firmware", "upload", "--model", "Myriad M7", "--version", "2.1",
                empty.toString());
        CommandLineRun noLines = admin("device", "import", emptyCsv.toString());

        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.errorLine().startsWith("hub: the hub refused (400 unknown-model): "), unknown.err());
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(2, again.exitCode());
        assertTrue(again.errorLine().startsWith("hub: the hub refused (409 firmware-exists): "), again.err());
        assertEquals(2, nothing.exitCode());
        assertEquals("hub: " + empty + " is empty: nothing to upload", nothing.errorLine());
        assertEquals(2, noLines.exitCode());
        assertEquals("hub: " + emptyCsv + " is empty: nothing to upload", noLines.errorLine());
    }

    @Test
    void aSecondStartOnAHomeInUseSaysSoInOneLine() {
        CommandLineRun second = CommandLineRun.hub("start", "--home", home, "--https-port", "0", "--admin-port", "0",
                "--sip-tls-port", "0", "--web-port", "0", "--bind", "127.0.0.1");

        assertEquals(2, second.exitCode());
        assertEquals("hub: the home " + home + " is in use by another hub (pid " + ProcessHandle.current().pid()
                + "): stop it first, or give this one another --home", second.errorLine());
    }

    @Test
    void aFleetOfPhonesNobodyEnrolledSaysSo() {
        CommandLineRun fleet = CommandLineRun.hub("phone", "fleet", "--home", home, "--hub", "https://localhost:"
                + hub.provisioning().devicePort(), "--count", "2", "--rate", "20", "--first-mac", "00809f300001",
                "--cert-dir", dir.resolve("certs").toString(), "--attempts", "1");

        assertEquals(1, fleet.exitCode());
        assertTrue(fleet.err().contains("hub: 2 of 2 phones are not enrolled on this hub (discovery answered 404 "
                + "not-enrolled): enroll them first ('hub device import FILE' or 'hub device enroll')"),
                fleet.out() + fleet.err());
    }

    @Test
    void aFleetWithEnrollEnrollsItsPhonesThenBootsThem() {
        CommandLineRun fleet = enrolledFleet();

        assertEquals(0, fleet.exitCode(), fleet.out() + fleet.err());
        assertTrue(fleet.out().contains("enrolled 2 of 2 phones"), fleet.out());
        assertTrue(fleet.out().contains("2 of 2 registered"), fleet.out());
        assertEquals("20001", hub.provisioning().enrollment().find("default", MacAddress.parse("00809f300001"))
                .extension());
        assertEquals("20002", hub.provisioning().enrollment().find("default", MacAddress.parse("00809f300002"))
                .extension());

        CommandLineRun again = enrolledFleet();

        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("enrolled 0 of 2 phones (the others already were)"), again.out());
    }

    @Test
    void aFleetWhoseEnrollmentTheHubRefusesBootsNothing() {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000009", "Myriad M7", "20002", null,
                null, null, null, null), "test", "127.0.0.1");

        CommandLineRun fleet = enrolledFleet();

        assertEquals(2, fleet.exitCode(), fleet.out() + fleet.err());
        assertTrue(fleet.err().contains("the hub refused to enroll the fleet (1 bad phone(s); the first: extension "
                + "20002 is already used by 00809f000009); nothing was enrolled"), fleet.err());
        assertFalse(fleet.out().contains("registered"), fleet.out());
    }

    private CommandLineRun enrolledFleet() {
        return CommandLineRun.hub("phone", "fleet", "--enroll", "--home", home, "--admin-url", "https://127.0.0.1:"
                + hub.provisioning().adminPort() + "/", "--hub", "https://localhost:" + hub.provisioning().devicePort(),
                "--count", "2", "--rate", "20", "--first-mac", "00809f300001", "--cert-dir",
                dir.resolve("certs").toString(), "--attempts", "1");
    }

    @Test
    void helpListsTheOperatorsCommands() {
        String help = CommandLineRun.hub("--help").out();

        assertTrue(help.contains("registrations"), help);
        assertTrue(help.contains("calls"), help);
        assertTrue(CommandLineRun.hub("registrations", "--help").out().contains("--aor"));
    }

    private CommandLineRun admin(String... args) {
        return CommandLineRun.admin(hub, home, args);
    }

    private CallPhone registered(String user, String mac) throws Exception {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", user, null, null, null,
                null, null), "test", "127.0.0.1");
        CallPhone phone = new CallPhone(user, SipTestClient.tls(hub.sip().tlsPort(),
                PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null));
        phones.add(phone);
        phone.register(hub.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword());
        return phone;
    }
}
