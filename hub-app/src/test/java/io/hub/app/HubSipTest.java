package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.MutableClock;
import io.hub.pki.PemFiles;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisioned phone registers over SIP-TLS with the credentials its configuration carries; a flood
 * of refused REGISTERs costs a few aggregate audit rows and a few log lines, and old audit rows go.
 */
class HubSipTest {

    @TempDir
    Path dir;

    @Test
    void anEnrolledPhoneRegistersWithItsProvisionedPassword() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft("00809faabbcc", "Myriad M7", "1001", "Desk", null, null,
                    null, null), "test", "127.0.0.1");
            enrollment.enroll("default", new DeviceDraft("00809f000002", "Myriad M7", null, null, null, null, null,
                    null), "test", "127.0.0.1");
            String password = enrollment.find("default", MacAddress.parse("00809faabbcc")).sipPassword();

            try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(),
                    PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null)) {
                assertEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5>")
                        .getStatusCode());
                assertEquals(403, phone.registerWithPassword("1001", "not-it", "MD5", "<sip:1001@10.0.0.5>")
                        .getStatusCode());
                assertEquals(404, phone.registerWithPassword("1999", password, "MD5", "<sip:1999@10.0.0.5>")
                        .getStatusCode(), "an unassigned phone has no AOR");
            }
            assertEquals(1, hub.sip().location().bindings("sip:1001@hub.test").size());

            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            String registrations = admin.get("/admin/v1/registrations");
            assertTrue(registrations.contains("\"aor\":\"sip:1001@hub.test\""), registrations);
            assertTrue(registrations.contains("\"mac\":\"00809faabbcc\""), registrations);
            assertTrue(registrations.contains("\"cipher\":\"TLS_AES_"), registrations);
            hub.auditUpkeep().flush();
            String audit = admin.get("/admin/v1/audit?limit=5");
            assertTrue(audit.contains("\"reason\":\"wrong-password\""), "auth failures are audited: " + audit);
            String metrics = admin.get("/metrics");
            assertTrue(metrics.contains("hub_sip_register_total{outcome=\"ok\"} 1.0"), metrics);
            assertTrue(metrics.contains("hub_sip_register_total{outcome=\"wrong-password\"} 1.0"), metrics);
            assertTrue(metrics.contains("hub_sip_bindings 1.0"), metrics);
            assertTrue(metrics.contains("hub_sip_binding_checkpoints "), "the embedded database has a binding journal");
        }
        // Stopping copied the binding journal into the table and left no segment behind.
        try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(dir.resolve("var").resolve("db"))) {
            assertEquals(List.of(), left.filter(file -> file.getFileName().toString().startsWith("sip-bindings-"))
                    .toList());
        }
        try (io.hub.app.storage.HubDatabase database = io.hub.app.storage.HubDatabase.open(null,
                dir.resolve("var").resolve("db"));
                var connection = database.dataSource().getConnection();
                var rows = connection.createStatement().executeQuery("SELECT aor, contact FROM sip_binding")) {
            assertTrue(rows.next());
            assertEquals("sip:1001@hub.test <sip:1001@10.0.0.5>", rows.getString(1) + " " + rows.getString(2));
            assertTrue(!rows.next(), "one binding");
        }
    }

    private static String unknownAorRegister(String user, int n) {
        return "REGISTER sip:hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK-flood-" + n + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:x@hub.test>;tag=f" + n + "\r\n"
                + "To: <sip:" + user + "@hub.test>\r\nCall-ID: flood-" + n + "\r\nCSeq: " + (n + 1)
                + " REGISTER\r\nContact: <sip:x@10.0.0.9;transport=tls>\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void twoThousandUnknownAorsWithHugeUserNamesLeaveAFewAuditRowsAndLogLines() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int notFound = 0;
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            String user = "A".repeat(15 * 1024);
            try (SipTestClient flood = SipTestClient.tls(hub.sip().tlsPort(),
                    PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null)) {
                System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
                for (int n = 0; n < 2_000; n++) {
                    int status = flood.send(unknownAorRegister(user, n)).getStatusCode();
                    // Beyond the density the flow is answered 503 before the registrar: no refusal then.
                    assertTrue(status == 404 || status == 503, "status " + status);
                    notFound += status == 404 ? 1 : 0;
                }
            } finally {
                System.setErr(original);
            }
            hub.auditUpkeep().flush();

            List<AuditEvent> rows = hub.provisioning().audit().recent(null, null, 100).stream()
                    .filter(e -> "unknown-aor".equals(e.reason())).toList();
            // The source's density is 400 a window and its connection counts as one: a flood that fits
            // in one window reaches the registrar 399 times, a slower one more.
            assertTrue(notFound >= 399, "the registrar refused " + notFound);
            assertTrue(rows.size() <= 3, "one row per source, reason and minute: " + rows.size());
            assertEquals(notFound, rows.stream().mapToInt(AuditEvent::count).sum(), "every refusal counted");
            assertTrue(rows.get(0).detail().length() <= 1000);
            String metrics = new AdminHttp(hub, dir.resolve("var")).get("/metrics");
            assertTrue(metrics.contains("hub_sip_register_total{outcome=\"unknown-aor\"} " + notFound + ".0"),
                    metrics);
            assertTrue(metrics.contains("hub_sip_refused_total{reason=\"unregistered-cap\"}"), metrics);
            assertTrue(metrics.contains("hub_sip_refused_total{reason=\"register-deadline\"}"), metrics);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.length() < 16 * 1024, "log bytes: " + log.length());
        assertTrue(log.lines().allMatch(line -> line.length() <= 1024), "every line clipped");
        assertTrue(log.lines().anyMatch(line -> line.contains("register refused aor=sip:AAAA")), log);
    }

    @Test
    void auditRowsAndStatusReportsPastTheirRetentionArePurgedWhileTheHubRuns() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.auditRetentionDays = 90;
        settings.statusRetentionDays = 30;
        MutableClock clock = new MutableClock(Instant.now());
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), clock)) {
            var audit = hub.provisioning().audit();
            audit.record("sip", "192.0.2.7", "register", AuditEvent.REFUSED, "unknown-aor", null, null, "old");
            clock.advance(Duration.ofDays(60));
            audit.record("sip", "192.0.2.7", "register", AuditEvent.REFUSED, "unknown-aor", null, null, "young");
            clock.advance(Duration.ofDays(31));

            assertTrue(hub.auditUpkeep().purge().auditEvents() >= 1);
            List<AuditEvent> left = audit.recent(null, null, 100).stream()
                    .filter(e -> "192.0.2.7".equals(e.sourceIp())).toList();
            assertEquals(List.of("young"), left.stream().map(AuditEvent::detail).toList());
        }
    }
}
