package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registered phone is told to resync down its own flow: after a change of its device, its site's
 * settings and its model's firmware target, and when an admin asks for a resync or a reboot; its
 * answer (or its silence) is the outcome recorded. A phone without a flow, and another tenant's
 * phone with the same extension, are never sent one.
 */
class HubResyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "00809faabbcc";

    @TempDir
    Path dir;

    private Hub hub;
    private AdminHttp admin;
    private SipTestClient phone;

    @BeforeEach
    void start() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        settings.resyncTimeoutSeconds = 1;
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        var enrollment = hub.provisioning().enrollment();
        enrollment.enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris", null, null, null),
                "test", "127.0.0.1");
        String password = enrollment.find("default", MacAddress.parse(MAC)).sipPassword();
        phone = SipTestClient.tls(hub.sip().tlsPort(),
                PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null);
        assertEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5;transport=tls>")
                .getStatusCode());
    }

    @AfterEach
    void stop() throws Exception {
        phone.close();
        hub.close();
    }

    @Test
    void eachKindOfChangeSendsCheckSyncDownThePhonesFlow() throws Exception {
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Reception\"}"));
        answer(expectNotify("check-sync"), 200);

        assertEquals(200, admin.send("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"locale.timezone\": \"Europe/Paris\"}}"));
        answer(expectNotify("check-sync"), 200);

        byte[] image = "firmware 2.0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        hub.provisioning().firmware().upload("default", "Myriad M7", "2.0", new ByteArrayInputStream(image),
                image.length);
        assertEquals(200, admin.send("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"2.0\"}"));
        answer(expectNotify("check-sync"), 200);
    }

    @Test
    void anAdminsResyncAndRebootAreAnsweredWithThePhonesAnswer() throws Exception {
        CompletableFuture<HttpResponse<String>> resync = post("/admin/v1/devices/" + MAC + "/resync", null);
        answer(expectNotify("check-sync"), 200);
        JsonNode ok = JSON.readTree(resync.join().body());
        assertEquals("ok", ok.get("outcome").asText(), ok.toString());
        assertEquals(200, ok.get("status").asInt());

        CompletableFuture<HttpResponse<String>> reboot = post("/admin/v1/devices/" + MAC + "/reboot", null);
        answer(expectNotify("check-sync;reboot=true"), 200);
        assertEquals("ok", JSON.readTree(reboot.join().body()).get("outcome").asText());

        CompletableFuture<HttpResponse<String>> refused = post("/admin/v1/devices/" + MAC + "/resync", null);
        answer(expectNotify("check-sync"), 489);
        JsonNode bad = JSON.readTree(refused.join().body());
        assertEquals("refused", bad.get("outcome").asText(), bad.toString());
        assertEquals(489, bad.get("status").asInt());

        JsonNode device = JSON.readTree(admin.get("/admin/v1/devices/" + MAC));
        assertEquals("refused", device.at("/resync/outcome").asText(), device.toString());
        String audit = admin.get("/admin/v1/audit?mac=" + MAC);
        assertTrue(audit.contains("\"action\":\"reboot\""), audit);
    }

    @Test
    void aPhoneThatDoesNotAnswerIsRecordedTimeout() throws Exception {
        CompletableFuture<HttpResponse<String>> resync = post("/admin/v1/devices/" + MAC + "/resync", null);
        expectNotify("check-sync");
        JsonNode answer = JSON.readTree(resync.join().body());
        assertEquals("timeout", answer.get("outcome").asText(), answer.toString());
        assertEquals("timeout", JSON.readTree(admin.get("/admin/v1/devices/" + MAC)).at("/resync/outcome").asText());
        String metrics = admin.get("/metrics");
        assertTrue(metrics.contains("hub_resync_total{outcome=\"timeout\"} 1.0"), metrics);
        assertTrue(metrics.contains("# HELP hub_resync_total"), metrics);
    }

    @Test
    void aPhoneWithoutAFlowAndAnotherTenantsSameExtensionAreNoFlow() throws Exception {
        var enrollment = hub.provisioning().enrollment();
        enrollment.enroll("default", new DeviceDraft("00809f000002", "Myriad M7", "1002", null, null, null, null,
                null), "test", "127.0.0.1");
        HttpResponse<String> flowless = admin.send("POST", "/admin/v1/devices/00809f000002/resync", null, null);
        assertEquals(409, flowless.statusCode(), flowless.body());
        assertTrue(flowless.body().contains("\"no-flow\""), flowless.body());
        assertEquals("no-flow", JSON.readTree(admin.get("/admin/v1/devices/00809f000002")).at("/resync/outcome")
                .asText());

        String acme = hub.provisioning().tenants().create("acme", null).token();
        enrollment.enroll("acme", new DeviceDraft("00809f0000a1", "Myriad M7", "1001", null, null, null, null, null),
                "test", "127.0.0.1");
        HttpResponse<String> theirs = admin.send("POST", "/admin/v1/devices/00809f0000a1/resync", null, acme);
        assertEquals(409, theirs.statusCode(), "sip:1001@hub.test is not acme's 1001: " + theirs.body());
        assertEquals(404, admin.send("POST", "/admin/v1/devices/" + MAC + "/resync", null, acme).statusCode(),
                "another tenant's MAC is unknown");
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String json) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return admin.send("POST", path, json, null);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    /** The next message on the phone's flow, which must be a NOTIFY with this Event. */
    private SIPRequest expectNotify(String event) throws Exception {
        SIPMessage message = phone.readMessage();
        assertTrue(message instanceof SIPRequest, message.toString());
        SIPRequest request = (SIPRequest) message;
        assertEquals("NOTIFY", request.getMethod(), request.toString());
        assertEquals(event, request.getHeader("Event").toString().replaceFirst("^Event:\\s*", "").strip(),
                request.toString());
        assertTrue(request.getHeader("Subscription-State") != null, request.toString());
        assertTrue(request.getRequestURI().toString().startsWith("sip:1001@10.0.0.5"), request.toString());
        return request;
    }

    private void answer(SIPRequest request, int status) throws Exception {
        phone.write(request.createResponse(status).toString());
    }
}
