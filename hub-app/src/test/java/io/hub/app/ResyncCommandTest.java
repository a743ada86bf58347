package io.hub.app;

import static io.hub.app.CommandLineRun.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hub device resync|reboot} against a running hub: answers and refusals in one line each. */
class ResyncCommandTest {

    @TempDir
    Path dir;

    private Hub running;
    private String home;

    @BeforeEach
    void startHub() {
        running = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(),
                Clock.systemUTC());
        home = dir.resolve("var").toString();
        running.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000001", "Myriad M7", "1001",
                null, "Paris", null, null, null), "test", "127.0.0.1");
    }

    @AfterEach
    void stopHub() {
        running.close();
    }

    @Test
    void aSiteResyncPrintsItsRolloutWhoseProgressCanBeAskedFor() {
        CommandLineRun site = admin("device", "resync", "--site", "Paris");
        assertEquals(0, site.exitCode(), site.err());
        Matcher rollout = Pattern.compile("rollout ([0-9a-f]{16}) \\(site Paris\\): [01] of 1 done, [01] pending.*")
                .matcher(site.out().strip());
        assertTrue(rollout.matches(), site.out());

        CommandLineRun progress = admin("device", "resync", "--rollout", rollout.group(1));
        assertEquals(0, progress.exitCode(), progress.err());
        assertTrue(progress.out().startsWith("rollout " + rollout.group(1) + " (site Paris): "), progress.out());
    }

    @Test
    void rotatePasswordStoresANewOneAndSaysSoWithoutPrintingIt() {
        String before = running.provisioning().enrollment().find("default",
                io.hub.pki.MacAddress.parse("00809f000001")).sipPassword();
        CommandLineRun rotated = admin("device", "rotate-password", "00:80:9f:00:00:01");
        assertEquals(0, rotated.exitCode(), rotated.err());
        assertEquals("rotated the SIP password of 00809f000001", rotated.out().strip());
        String after = running.provisioning().enrollment().find("default",
                io.hub.pki.MacAddress.parse("00809f000001")).sipPassword();
        assertTrue(!after.equals(before) && !rotated.out().contains(after));
        assertEquals("hub: the hub refused (404 not-found): no device 00809f0000ff",
                admin("device", "rotate-password", "00809f0000ff").errorLine());
    }

    @Test
    void aRegisteredPhoneIsToldDownItsFlowAndTheCommandPrintsItsAnswer() throws Exception {
        running.close();
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        running = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        try (CallPhone phone = new CallPhone("1001", SipTestClient.tls(running.sip().tlsPort(),
                PemFiles.readCertificate(running.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null))) {
            phone.register(running.provisioning().enrollment().find("default", MacAddress.parse("00809f000001"))
                    .sipPassword());

            CompletableFuture<String> events = CompletableFuture.supplyAsync(() -> {
                try {
                    SIPRequest resync = phone.expectRequest("NOTIFY");
                    phone.answer(resync, 200, null, null);
                    SIPRequest reboot = phone.expectRequest("NOTIFY");
                    phone.answer(reboot, 200, null, null);
                    return resync.getHeader("Event").toString().strip() + " then "
                            + reboot.getHeader("Event").toString().strip();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CommandLineRun resync = admin("device", "resync", "00:80:9f:00:00:01");
            CommandLineRun reboot = admin("device", "reboot", "00809f000001");

            assertEquals(0, resync.exitCode(), resync.err());
            assertEquals("resync 00809f000001: ok (200)", resync.out().strip());
            assertEquals(0, reboot.exitCode(), reboot.err());
            assertEquals("reboot 00809f000001: ok (200)", reboot.out().strip());
            assertEquals("Event: check-sync then Event: check-sync;reboot=true",
                    events.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void refusalsAreOneLineWithTheHubsReason() {
        CommandLineRun flowless = admin("device", "resync", "00:80:9f:00:00:01");
        assertEquals(2, flowless.exitCode());
        assertTrue(flowless.errorLine().startsWith("hub: the hub refused (409 no-flow): device 00809f000001 has no "
                + "live SIP flow"), flowless.errorLine());
        assertEquals("hub: the hub refused (404 not-found): no device 00809f0000ff",
                admin("device", "reboot", "00809f0000ff").errorLine());
        assertEquals("hub: the hub refused (404 no-such-site): no phone is at site Nowhere",
                admin("device", "resync", "--site", "Nowhere").errorLine());
        assertEquals(2, admin("device", "resync").exitCode(), "a MAC, --site or --rollout is needed");
        String help = hub("device", "--help").out();
        assertTrue(help.contains("resync") && help.contains("reboot"), help);
    }

    private CommandLineRun admin(String... args) {
        return CommandLineRun.admin(running, home, args);
    }
}
