package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a phone sends cannot forge a log line: a status report whose firmware carries a line break
 * and a SIP username carrying a terminal escape sequence each end up as one line, escaped, in the hub's log
 * (slf4j-simple writes to System.err, captured here).
 */
class LogLinesTest {

    @TempDir
    Path dir;

    @Test
    void aPhonesLineBreaksAndEscapesStayInsideOneEscapedLogLine() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Hub hub = hubWithPhone1001()) {
            DeviceCertificates.IssuedCertificate phone = hub.pki().issueDeviceCertificate(
                    DeviceCertificateRequest.of(MacAddress.parse("00809faabbcc"), "Myriad M7"), dir.resolve("phone"));
            X509Certificate ca = PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(SipTestClient.context(ca, phone.certificate(), phone.keys().getPrivate())).build();

            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + hub.provisioning().devicePort() + "/prov/v1/status/00809faabbcc"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"firmware\": \"1\\nFAKE audit line\", "
                            + "\"ip\": \"10.0.0.5\"}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            SIPResponse refused;
            try (SipTestClient sip = SipTestClient.tls(hub.sip().tlsPort(), ca, null, null)) {
                refused = sip.send(sip.register("1001", "<sip:1001@10.0.0.5>", "Authorization: Digest "
                        + "username=\"10\u001b[2J01\", realm=\"hub.test\", nonce=\"n\", uri=\"sip:hub.test\", "
                        + "response=\"00\""));
            }
            // The status request's audit row, and its log line, are written behind: wait for them.
            hub.provisioning().audit().recent(null, "00809faabbcc", 1);
            System.setErr(original);

            assertEquals(204, status.statusCode(), status.body());
            assertEquals(403, refused.getStatusCode());
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.contains("status ok mac=00809faabbcc")
                && line.contains("detail=firmware=1\\nFAKE audit line ip=10.0.0.5")), String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("FAKE")), "no forged line");
        assertTrue(lines.stream().anyMatch(line -> line.contains("register refused aor=sip:1001@hub.test")
                && line.contains("username 10\\x1b[2J01 may not register 1001")), String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(line -> line.contains("\u001b") || line.contains("\u0000")),
                "no control character reaches the log");
    }

    @Test
    void anEventWithoutAMacLeavesTheFieldOutRatherThanWritingNull() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HubSettings settings = TestSettings.ephemeralPorts();
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int noMac = admin.send("POST", "/admin/v1/devices", "{\"model\": \"Myriad M7\"}");
            int withMac = admin.send("POST", "/admin/v1/devices", "{\"mac\": \"00809f000001\", \"model\": \"Myriad M9\"}");
            System.setErr(original);

            assertEquals(400, noMac);
            assertEquals(400, withMac);
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.contains("enroll refused reason=invalid-device ip=")
                && line.contains("detail=macAddress is missing")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.contains("enroll refused reason=invalid-device mac=00809f000001 ip=")),
                String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(line -> line.contains("=null")), String.join("\n", lines));
    }

    @Test
    void aPhonesRegistrationAndResyncLinesNameItsMacAndItsAor() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Hub hub = hubWithPhone1001()) {
            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            X509Certificate ca = PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (CallPhone phone = new CallPhone("1001", SipTestClient.tls(hub.sip().tlsPort(), ca, null, null))) {
                String password = hub.provisioning().enrollment().find("default", MacAddress.parse("00809faabbcc"))
                        .sipPassword();
                phone.register(password);
                phone.register(password); // a refresh on the same flow: counted, not a line of its own
                CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                    try {
                        phone.answer(phone.expectRequest("NOTIFY"), 200, null, null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                HttpResponse<String> resync = admin.send("POST", "/admin/v1/devices/00809faabbcc/resync", null, null);
                answered.get(30, TimeUnit.SECONDS);
                assertEquals(200, resync.statusCode(), resync.body());
                // Disabled: SIP takes the registered phone off, and says whose AOR it was.
                assertEquals(200, admin.send("PATCH", "/admin/v1/devices/00809faabbcc", "{\"state\": \"disabled\"}"));
            }
            System.setErr(original);
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.stream().filter(line -> line.contains("register ok aor=sip:1001@hub.test mac=00809faabbcc "))
                .count(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.contains("resync mac=00809faabbcc aor=sip:1001@hub.test "
                + "tenant=default reboot=false outcome=ok status=200")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.matches(".*sip follows device change mac=00809faabbcc "
                + "extension=1001 withdrawn=[1-9]\\d* aor=sip:1001@hub\\.test.*")), String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(line -> line.contains("=null")), String.join("\n", lines));
    }


    /** A hub of domain hub.test on free ports, with phone 00809faabbcc enrolled as extension 1001. */
    private Hub hubWithPhone1001() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        try {
            hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809faabbcc", "Myriad M7", "1001",
                    null, null, null, null, null), "test", "127.0.0.1");
            return hub;
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
    }
}
