package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * baresip, a real SIP client, registered over TLS, is sent the check-sync NOTIFY down its own flow
 * after each kind of change (its device row, its device settings, its site's settings, its model's
 * firmware target, its SIP password, the hub's deviceDefaults) and on an admin's resync and reboot, and whatever it answers is the
 * outcome the hub records. A phone that never got the NOTIFY would be recorded {@code timeout} or
 * {@code no-flow}; any SIP answer proves the request reached the client on its flow.
 */
class BaresipResyncIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "00809faabbcc";
    /** The outcomes of a NOTIFY the client answered: 200, or any refusal with its status. */
    private static final Set<String> ANSWERED = Set.of("ok", "refused");
    /** How many times the queue tries a phone that refuses (provisioning's Resyncs.ATTEMPTS). */
    private static final int ATTEMPTS = 3;

    @TempDir
    Path dir;

    @Test
    void baresipIsToldToResyncDownItsFlowAndItsAnswerIsRecorded() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.resyncTimeoutSeconds = 5;
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris", null, null, null),
                    "test", "127.0.0.1");
            String password = enrollment.find("default", MacAddress.parse(MAC)).sipPassword();
            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            Baresip baresip = Baresip.register(new Baresip.Account(dir, "baresip",
                    hub.pki().file(HubPki.HUB_CA_CERTIFICATE), hub.sip().tlsPort(), "1001", password), 60);
            try {
                awaitFlow(hub, 15);

                HttpResponse<String> resync = admin.send("POST", "/admin/v1/devices/" + MAC + "/resync", null, null);
                assertEquals(200, resync.statusCode(), resync.body());
                JsonNode answer = JSON.readTree(resync.body());
                String log = Files.readString(dir.resolve("baresip.log"));
                assertTrue(ANSWERED.contains(answer.path("outcome").asText()), answer + "\n" + log);
                assertTrue(answer.path("status").asInt() >= 200, answer.toString());

                HttpResponse<String> reboot = admin.send("POST", "/admin/v1/devices/" + MAC + "/reboot", null, null);
                assertEquals(200, reboot.statusCode(), reboot.body());
                assertTrue(ANSWERED.contains(JSON.readTree(reboot.body()).path("outcome").asText()), reboot.body());

                // Each kind of change, one at a time, and the check-sync it sent answered down the flow.
                byte[] image = "firmware 2.0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                hub.provisioning().firmware().upload("default", "Myriad M7", "2.0",
                        new java.io.ByteArrayInputStream(image), image.length);
                Map<String, Callable<Integer>> changes = new LinkedHashMap<>();
                changes.put("device row", () -> admin.send("PATCH", "/admin/v1/devices/" + MAC,
                        "{\"displayName\": \"Lobby\"}"));
                changes.put("device settings", () -> admin.send("PATCH", "/admin/v1/devices/" + MAC,
                        "{\"settings\": {\"locale.timezone\": \"Europe/Berlin\"}}"));
                changes.put("site settings", () -> admin.send("PUT", "/admin/v1/sites/Paris",
                        "{\"settings\": {\"locale.timezone\": \"Europe/Paris\"}}"));
                changes.put("firmware target", () -> admin.send("PUT", "/admin/v1/firmware/target",
                        "{\"model\": \"Myriad M7\", \"version\": \"2.0\"}"));
                changes.put("password", () -> admin.send("POST", "/admin/v1/devices/" + MAC + "/sip-password", null,
                        null).statusCode());
                for (Map.Entry<String, Callable<Integer>> change : changes.entrySet()) {
                    String before = JSON.readTree(admin.get("/admin/v1/devices/" + MAC)).at("/resync/requestedAt")
                            .asText();
                    assertEquals(200, change.getValue().call(), change.getKey());
                    JsonNode after = awaitAnswered(admin, before);
                    assertTrue(ANSWERED.contains(after.at("/resync/outcome").asText()), change.getKey() + ": " + after);
                }
            } finally {
                baresip.close();
            }
        }
    }

    /**
     * {@code deviceDefaults} come from hub.yaml, so they change across a restart: the hub owes each
     * phone a check-sync and sends it when the phone registers, as baresip does on the restarted hub.
     */
    @Test
    void baresipIsToldOfChangedDeviceDefaultsWhenItRegistersAfterTheRestart() throws Exception {
        String password;
        try (Hub hub = start(Map.of())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris", null, null, null),
                    "test", "127.0.0.1");
            password = enrollment.find("default", MacAddress.parse(MAC)).sipPassword();
        }
        try (Hub hub = start(Map.of("locale.timezone", "Europe/Berlin"))) {
            assertEquals(1, hub.provisioning().resyncs().owed(), "the changed defaults owe the phone a check-sync");
            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            String before = JSON.readTree(admin.get("/admin/v1/devices/" + MAC)).at("/resync/requestedAt").asText();
            Baresip baresip = Baresip.register(new Baresip.Account(dir, "baresip",
                    hub.pki().file(HubPki.HUB_CA_CERTIFICATE), hub.sip().tlsPort(), "1001", password), 60);
            try {
                awaitFlow(hub, 15);
                JsonNode after = awaitAnswered(admin, before);
                assertTrue(ANSWERED.contains(after.at("/resync/outcome").asText()),
                        after + "\n" + Files.readString(dir.resolve("baresip.log")));
            } finally {
                baresip.close();
            }
        }
    }

    private Hub start(Map<String, String> deviceDefaults) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.resyncTimeoutSeconds = 5;
        settings.deviceDefaults.putAll(deviceDefaults);
        return Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
    }

    private static void awaitFlow(Hub hub, int seconds) throws Exception {
        for (int i = 0; i < seconds * 10; i++) {
            var bindings = hub.sip().location().bindings("sip:1001@localhost");
            if (!bindings.isEmpty() && bindings.get(0).hasFlow()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("baresip did not register within " + seconds + " s");
    }

    /**
     * The device once the check-sync a change queued has its last outcome: at once when the client
     * answered 200; a refusal is tried again by the queue, {@value #ATTEMPTS} attempts in all, and
     * each attempt is recorded, so the last one is waited for before the next change.
     */
    private static JsonNode awaitAnswered(AdminHttp admin, String before) throws Exception {
        JsonNode device = awaitResyncAfter(admin, before, 15);
        for (int attempt = 1; attempt < ATTEMPTS && device.at("/resync/outcome").asText().equals("refused"); attempt++) {
            device = awaitResyncAfter(admin, device.at("/resync/requestedAt").asText(), 15);
        }
        return device;
    }

    /** The device once a resync newer than {@code before} is recorded for it (the change's check-sync). */
    private static JsonNode awaitResyncAfter(AdminHttp admin, String before, int seconds) throws Exception {
        JsonNode device = null;
        for (int i = 0; i < seconds * 10; i++) {
            device = JSON.readTree(admin.get("/admin/v1/devices/" + MAC));
            JsonNode resync = device.path("resync");
            if (resync.isObject() && !resync.path("requestedAt").asText().equals(before)
                    && !resync.path("finishedAt").isNull() && !resync.path("finishedAt").isMissingNode()) {
                return device;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no check-sync recorded after the change within " + seconds + " s: " + device);
    }
}
