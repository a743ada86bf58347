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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * baresip, a real SIP client, registered over TLS, is sent the check-sync NOTIFY down its own flow
 * after an admin's change of its device and on an admin's resync, and whatever it answers is the
 * outcome the hub records. A phone that never got the NOTIFY would be recorded {@code timeout} or
 * {@code no-flow}; any SIP answer proves the request reached the client on its flow.
 */
class BaresipResyncIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "00809faabbcc";
    /** The outcomes of a NOTIFY the client answered: 200, or any refusal with its status. */
    private static final Set<String> ANSWERED = Set.of("ok", "refused");

    @TempDir
    Path dir;

    @Test
    void baresipIsToldToResyncDownItsFlowAndItsAnswerIsRecorded() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.resyncTimeoutSeconds = 5;
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", null, null, null, null),
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

                String before = JSON.readTree(admin.get("/admin/v1/devices/" + MAC)).at("/resync/requestedAt").asText();
                assertEquals(200, admin.send("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Lobby\"}"));
                JsonNode after = awaitResyncAfter(admin, before, 15);
                assertTrue(ANSWERED.contains(after.at("/resync/outcome").asText()), after.toString());
            } finally {
                baresip.close();
            }
        }
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
