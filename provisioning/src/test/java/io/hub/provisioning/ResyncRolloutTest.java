package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hub.provisioning.resync.ResyncSender;
import io.hub.provisioning.resync.Resyncs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes pushed to phones through the admin API: what is queued for which change, the bounded
 * rate (phones per tick, the tick driven by the test), coalescing, outcomes recorded per phone and
 * counted per rollout, and the refusals (unknown MAC, another tenant's MAC, an empty site).
 */
class ResyncRolloutTest {

    /** The database the tests run on; {@link ResyncRolloutOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private TestHub hub;
    private Resyncs resyncs;
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());

    /** Answers as the phone with that extension would: 1003 refuses with 486, 1004 never answers. */
    private final ResyncSender phones = (device, reboot) -> {
        sent.add(device.tenant() + " " + device.extension() + (reboot ? " reboot" : ""));
        return CompletableFuture.completedFuture(switch (device.extension()) {
            case "1003" -> new Delivery(ResyncOutcome.REFUSED, 486, "busy");
            case "1004" -> new Delivery(ResyncOutcome.TIMEOUT, null, "no answer in time");
            default -> new Delivery(ResyncOutcome.OK, 200, null);
        });
    };

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(store(), home);
        resyncs = hub.provisioning.resyncs();
        resyncs.sendWith(phones, 3);
        for (int i = 1; i <= 10; i++) {
            enroll(null, String.format("00809f0000%02d", i), "10" + String.format("%02d", i), "Paris");
        }
        enroll(null, "00809f000099", "1099", "Lyon");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aSiteResyncGoesOutAtTheConfiguredRateWithEveryOutcomeCounted() throws Exception {
        ContentResponse answer = hub.adminJson("POST", "/admin/v1/sites/Paris/resync", null);
        assertEquals(202, answer.getStatus(), answer.getContentAsString());
        JsonNode rollout = JSON.readTree(answer.getContentAsString());
        assertEquals(10, rollout.get("total").asInt());
        assertEquals(10, rollout.get("pending").asInt());

        List<Integer> perTick = new ArrayList<>();
        for (int tick = 0; tick < 7; tick++) {
            perTick.add(resyncs.tick());
        }
        assertEquals(List.of(3, 3, 3, 3, 2, 0, 0), perTick, "3 per tick; the refusing and the silent phone are "
                + "tried 3 times each at the end of the queue, then nothing is left");
        assertEquals(14, sent.size());
        assertEquals(3, sent.stream().filter(s -> s.equals("default 1003")).count());
        assertEquals(3, sent.stream().filter(s -> s.equals("default 1004")).count());
        assertTrue(sent.stream().noneMatch(s -> s.contains("1099")), "Lyon is another site: " + sent);

        JsonNode progress = JSON.readTree(hub.adminJson("GET", "/admin/v1/resyncs/" + rollout.get("id").asText(), null)
                .getContentAsString());
        assertEquals(10, progress.get("done").asInt(), "each phone counted once, at its last attempt");
        assertEquals(0, progress.get("pending").asInt());
        assertEquals(8, progress.at("/outcomes/ok").asInt());
        assertEquals(1, progress.at("/outcomes/refused").asInt());
        assertEquals(1, progress.at("/outcomes/timeout").asInt());

        JsonNode refused = device("00809f000003").get("resync");
        assertEquals("refused", refused.get("outcome").asText());
        assertEquals(486, refused.get("status").asInt());
        assertEquals("timeout", device("00809f000004").at("/resync/outcome").asText());
        assertEquals("ok", device("00809f000001").at("/resync/outcome").asText());
        assertTrue(device("00809f000099").get("resync").isNull(), "Lyon's phone was never sent one");
    }

    @Test
    void aDevicePatchQueuesThatPhoneOnceHoweverManyChangesCome() throws Exception {
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/00809f000001",
                "{\"displayName\": \"Reception\"}").getStatus());
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/00809f000001",
                "{\"settings\": {\"locale.timezone\": \"Europe/Paris\"}}").getStatus());
        assertEquals(1, resyncs.queued(), "two changes, one NOTIFY");

        assertEquals(1, resyncs.tick());
        assertEquals(List.of("default 1001"), sent);
    }

    @Test
    void siteSettingsAndAFirmwareTargetQueueTheirPhones() throws Exception {
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/sites/Lyon",
                "{\"settings\": {\"locale.timezone\": \"Europe/Paris\"}}").getStatus());
        assertEquals(1, resyncs.tick());
        assertEquals(List.of("default 1099"), sent);

        ContentResponse upload = hub.anonymousAdminClient().newRequest(hub.adminUrl("/admin/v1/firmware?model="
                + URLEncoder.encode("Myriad M7", StandardCharsets.UTF_8) + "&version=2.0")).method("POST")
                .timeout(30, TimeUnit.SECONDS).headers(h -> h.put("Authorization", "Bearer " + TestHub.TOKEN))
                .body(new BytesRequestContent("application/octet-stream", "image".getBytes(StandardCharsets.UTF_8)))
                .send();
        assertEquals(201, upload.getStatus(), upload.getContentAsString());
        assertEquals(0, resyncs.queued(), "an upload alone changes no phone");
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"2.0\"}").getStatus());
        assertEquals(11, resyncs.queued(), "every Myriad M7 of the tenant");
    }

    @Test
    void anotherTenantsPhonesAreNeitherQueuedNorReachable() throws Exception {
        String acme = JSON.readTree(hub.adminJson("POST", "/admin/v1/tenants", "{\"name\": \"acme\"}")
                .getContentAsString()).get("token").asText();
        enroll(acme, "00809f0000a1", "1001", "Paris");

        hub.adminJson("POST", "/admin/v1/sites/Paris/resync", null);
        for (int tick = 0; tick < 5; tick++) {
            resyncs.tick();
        }
        assertTrue(sent.stream().noneMatch(s -> s.startsWith("acme")), sent.toString());

        assertEquals(404, hub.adminJson(acme, "POST", "/admin/v1/devices/00809f000001/resync", null).getStatus(),
                "the operator's phone is not acme's");
        ContentResponse rollout = hub.adminJson(acme, "POST", "/admin/v1/sites/Paris/resync", null);
        assertEquals(202, rollout.getStatus());
        assertEquals(1, JSON.readTree(rollout.getContentAsString()).get("total").asInt(), "acme's own Paris");
        String id = JSON.readTree(rollout.getContentAsString()).get("id").asText();
        assertEquals(404, hub.adminJson("GET", "/admin/v1/resyncs/" + id, null).getStatus(),
                "a rollout is its tenant's");
    }

    @Test
    void badInputIsRefusedWithItsReason() throws Exception {
        ContentResponse unknown = hub.adminJson("POST", "/admin/v1/devices/00809f00ffff/resync", null);
        assertEquals(404, unknown.getStatus());
        assertTrue(unknown.getContentAsString().contains("\"not-found\""), unknown.getContentAsString());
        assertEquals(400, hub.adminJson("POST", "/admin/v1/devices/not-a-mac/reboot", null).getStatus());
        ContentResponse site = hub.adminJson("POST", "/admin/v1/sites/Nowhere/resync", null);
        assertEquals(404, site.getStatus());
        assertTrue(site.getContentAsString().contains("\"no-such-site\""), site.getContentAsString());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/resyncs/nope", null).getStatus());
        assertEquals(405, hub.adminJson("GET", "/admin/v1/devices/00809f000001/resync", null).getStatus());
        enroll(null, "00809f0000b1", null, "Paris");
        ContentResponse unassigned = hub.adminJson("POST", "/admin/v1/devices/00809f0000b1/resync", null);
        assertEquals(409, unassigned.getStatus());
        assertTrue(unassigned.getContentAsString().contains("\"not-assigned\""), unassigned.getContentAsString());
    }

    @Test
    void aPhoneWithoutAFlowIsAConflictAndRecordedNoFlow() throws Exception {
        resyncs.sendWith(ResyncSender.NONE, 3);
        ContentResponse answer = hub.adminJson("POST", "/admin/v1/devices/00809f000002/reboot", null);
        assertEquals(409, answer.getStatus());
        assertTrue(answer.getContentAsString().contains("\"no-flow\""), answer.getContentAsString());
        JsonNode last = device("00809f000002").get("resync");
        assertEquals("no-flow", last.get("outcome").asText());
        assertTrue(last.get("reboot").asBoolean());
    }

    private JsonNode device(String mac) throws Exception {
        return JSON.readTree(hub.adminJson("GET", "/admin/v1/devices/" + mac, null).getContentAsString());
    }

    private void enroll(String token, String mac, String extension, String site) throws Exception {
        String json = "{\"mac\": \"" + mac + "\", \"model\": \"Myriad M7\", \"site\": \"" + site + "\""
                + (extension == null ? "" : ", \"extension\": \"" + extension + "\"") + "}";
        ContentResponse created = token == null ? hub.adminJson("POST", "/admin/v1/devices", json)
                : hub.adminJson(token, "POST", "/admin/v1/devices", json);
        assertEquals(201, created.getStatus(), created.getContentAsString());
    }

}
