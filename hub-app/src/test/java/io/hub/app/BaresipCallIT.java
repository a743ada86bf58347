package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.call.CallRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two baresip phones, registered over TLS with RFC 5626 outbound and mandatory SRTP, call each
 * other through the hub for ten seconds: each plays a tone from a file, the callee answers by
 * itself. The hub's call record must show media both ways, every packet authenticated, and loss
 * under 1 %; and each baresip must have received the other's media through its own SRTP layer.
 */
class BaresipCallIT {

    private static final int CALL_SECONDS = 10;

    @TempDir
    Path dir;

    @Test
    void twoBaresipPhonesTalkThroughTheHubWithSrtp() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.bind = "127.0.0.1";
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft("00809f000101", "Myriad M7", "1001", "Caller", null, null,
                    null, null), "test", "127.0.0.1");
            enrollment.enroll("default", new DeviceDraft("00809f000102", "Myriad M7", "1002", "Callee", null, null,
                    null, null), "test", "127.0.0.1");
            Path tone = dir.resolve("tone.wav");
            Baresip.writeTone(tone, CALL_SECONDS + 20);
            Baresip callee = baresip(hub, "1002", enrollment.find("default", MacAddress.parse("00809f000102"))
                    .sipPassword(), tone, false);
            Baresip caller = baresip(hub, "1001", enrollment.find("default", MacAddress.parse("00809f000101"))
                    .sipPassword(), tone, true);
            try {
                awaitRegistered(hub, "sip:1001@localhost");
                awaitRegistered(hub, "sip:1002@localhost");
                caller.command("/dial sip:1002@localhost");
                CallRecord answered = awaitAnswered(hub);
                Thread.sleep(CALL_SECONDS * 1000L);

                CallRecord during = hub.sip().calls().active().stream().filter(c -> c.id().equals(answered.id()))
                        .findFirst().orElseThrow(() -> new AssertionError("the call ended early: " + logs()));
                for (String leg : List.of("caller", "callee")) {
                    Map<String, Object> media = during.media().get(leg);
                    long received = ((Number) media.get("packetsReceived")).longValue();
                    long lost = ((Number) media.get("lost")).longValue();
                    assertTrue(received >= CALL_SECONDS * 50 * 8 / 10, leg + " sent media: " + media + logs());
                    assertEquals(0L, ((Number) media.get("authFailures")).longValue(), leg + ": " + media);
                    assertTrue(lost * 100 < received, leg + " lost under 1 %: " + media);
                    assertTrue(((Number) media.get("packetsSent")).longValue() >= CALL_SECONDS * 50 * 8 / 10,
                            "the hub sent " + leg + " the other phone's media: " + media);
                }
                String listed = new AdminHttp(hub, dir.resolve("var")).get("/admin/v1/calls");
                assertTrue(listed.contains("\"id\":\"" + answered.id() + "\"")
                        && listed.contains("\"caller\":\"sip:1001@localhost\""), listed);
                caller.command("/hangup");
                CallRecord ended = awaitEnded(hub, answered.id());
                for (String user : List.of("1001", "1002")) {
                    // What each baresip itself received through its SRTP layer (rtcpsummary's PR and
                    // PL): a wrong hub key would leave nothing, since failed packets never reach RTP.
                    // Each prints it as its call closes: stopped before that, a baresip prints none.
                    java.util.regex.Matcher summary = awaitSummary(user);
                    assertTrue(summary.find(), user + " printed its call summary" + logs());
                    long received = Long.parseLong(summary.group(1));
                    long lost = Long.parseLong(summary.group(2));
                    assertTrue(received >= CALL_SECONDS * 50 * 8 / 10, user + " decrypted the other's media: "
                            + summary.group() + logs());
                    assertTrue(lost * 100 < received, user + " lost under 1 %: " + summary.group());
                }
                caller.close();
                callee.close();
                assertEquals("caller-hung-up", ended.cause().code());
                assertNotNull(ended.answeredAt());
                String metrics = new AdminHttp(hub, dir.resolve("var")).get("/metrics");
                assertTrue(metrics.contains("hub_calls_ended_total{cause=\"caller-hung-up\"} 1.0"), metrics);
                assertTrue(metrics.contains("hub_relay_packets_total{direction=\"in\"}"), metrics);
            } finally {
                caller.close();
                callee.close();
            }
        }
    }

    private Baresip baresip(Hub hub, String user, String password, Path tone, boolean console)
            throws IOException, InterruptedException {
        return Baresip.calls(new Baresip.Account(dir, "baresip-" + user, hub.pki().file(HubPki.HUB_CA_CERTIFICATE),
                hub.sip().tlsPort(), user, password), CALL_SECONDS + 60, tone, console);
    }

    /** {@code user}'s call summary line, once its baresip printed it (or its log after 10 s, without it). */
    private java.util.regex.Matcher awaitSummary(String user) throws Exception {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("PR=(\\d+);PS=\\d+;PL=(\\d+),");
        Path file = dir.resolve("baresip-" + user + ".log");
        String log = Files.readString(file);
        for (int i = 0; i < 100 && !line.matcher(log).find(); i++) {
            Thread.sleep(100);
            log = Files.readString(file);
        }
        return line.matcher(log);
    }

    private void awaitRegistered(Hub hub, String aor) throws Exception {
        for (int i = 0; i < 150; i++) {
            if (hub.sip().location().bindings(aor).stream().anyMatch(b -> b.hasFlow())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(aor + " did not register: " + logs());
    }

    private CallRecord awaitAnswered(Hub hub) throws Exception {
        for (int i = 0; i < 150; i++) {
            for (CallRecord call : hub.sip().calls().active()) {
                if (call.answeredAt() != null) {
                    return call;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no call was answered: " + hub.sip().calls().recent() + logs());
    }

    private CallRecord awaitEnded(Hub hub, String id) throws Exception {
        for (int i = 0; i < 150; i++) {
            for (CallRecord call : hub.sip().calls().recent()) {
                if (call.id().equals(id)) {
                    return call;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the call did not end: " + logs());
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String user : List.of("1001", "1002")) {
            try {
                out.append("\n--- baresip ").append(user).append(":\n")
                        .append(Files.readString(dir.resolve("baresip-" + user + ".log")));
            } catch (IOException e) {
                out.append("\n(no log for ").append(user).append(")");
            }
        }
        return out.toString();
    }
}
