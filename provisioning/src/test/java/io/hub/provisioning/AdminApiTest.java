package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.Responses;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

class AdminApiTest extends HubTest {

    @Test
    void everyAdminRequestNeedsTheTokenButHealth() throws Exception {
        ContentResponse none = hub.anonymousAdminClient().GET(hub.adminUrl("/admin/v1/devices"));
        ContentResponse wrong = hub.anonymousAdminClient().newRequest(hub.adminUrl("/admin/v1/devices"))
                .headers(h -> h.put("Authorization", "Bearer not-the-token")).send();
        ContentResponse health = hub.anonymousAdminClient().GET(hub.adminUrl("/healthz"));

        assertEquals(401, none.getStatus());
        assertEquals("no-token", json(none).get("error").asText());
        assertEquals("Bearer realm=\"hub\"", none.getHeaders().get("WWW-Authenticate"));
        assertEquals(401, wrong.getStatus());
        assertEquals("bad-token", json(wrong).get("error").asText());
        assertEquals(200, health.getStatus());
        assertEquals("ok", json(health).get("status").asText());
        JsonNode audit = json(hub.adminJson("GET", "/admin/v1/audit?limit=2", null)).get("events");
        assertEquals("bad-token", audit.get(0).get("reason").asText());
    }

    @Test
    void aResourceRefusesAMethodItDoesNotServeAndAPathThatNamesNoneIsNotFound() throws Exception {
        ContentResponse wrongMethod = hub.adminJson("DELETE", "/admin/v1/devices", null);
        ContentResponse noSuchView = hub.adminJson("GET", "/admin/v1/nothing-here", null);
        ContentResponse noToken = hub.anonymousAdminClient().GET(hub.adminUrl("/admin/v1/nothing-here"));
        ContentResponse healthByPost = hub.anonymousAdminClient().POST(hub.adminUrl("/healthz")).send();

        assertEquals(405, wrongMethod.getStatus());
        assertEquals("method-not-allowed", wrongMethod.getHeaders().get("X-Hub-Reason"));
        assertEquals(404, noSuchView.getStatus());
        assertEquals("no-such-resource", noSuchView.getHeaders().get("X-Hub-Reason"));
        assertEquals(401, noToken.getStatus(), "a wrong path tells nothing to a caller without a token");
        assertEquals(405, healthByPost.getStatus());
    }

    @Test
    void badDevicesAreRefusedWithTheirReason() throws Exception {
        ContentResponse mac = enroll("{\"mac\": \"00:80:9f:aa:bb\", \"model\": \"Myriad M7\"}");
        ContentResponse model = enroll("{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M9\"}");
        ContentResponse field = enroll("{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M7\", \"colour\": \"red\"}");
        ContentResponse syntax = enroll("{\"mac\": ");
        ContentResponse control = enroll("{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M7\", "
                + "\"displayName\": \"bell\\u0007\"}");

        assertEquals(400, mac.getStatus());
        assertEquals("invalid-device", json(mac).get("error").asText());
        assertTrue(json(mac).get("message").asText().startsWith("malformed MAC address '00:80:9f:aa:bb'"));
        assertEquals("unknown deviceType 'Myriad M9'; known: Halo H3P, Halo H6P, Myriad M3, Myriad M5, Myriad M7, "
                + "Myriad M8", json(model).get("message").asText());
        assertEquals("unknown field(s) [colour]; expected mac, model, extension, displayName, site, region, state, "
                + "settings, certificateSha256", json(field).get("message").asText());
        assertEquals("invalid-json", json(syntax).get("error").asText());
        assertEquals("displayName holds a control character (U+0007)", json(control).get("message").asText());
        assertEquals(0, json(hub.adminJson("GET", "/admin/v1/devices", null)).get("devices").size());
    }

    @Test
    void duplicatesAndTakenExtensionsConflict() throws Exception {
        assertEquals(201, enroll("{\"mac\": \"00809faabbcc\", \"model\": \"M7\", \"extension\": \"1001\"}").getStatus());

        ContentResponse again = enroll("{\"mac\": \"00-80-9f-aa-bb-cc\", \"model\": \"M7\"}");
        ContentResponse taken = enroll("{\"mac\": \"00809f000001\", \"model\": \"M7\", \"extension\": \"1001\"}");

        assertEquals(409, again.getStatus());
        assertEquals("already-enrolled", json(again).get("error").asText());
        assertEquals(409, taken.getStatus());
        assertEquals("extension-in-use", json(taken).get("error").asText());
    }

    @Test
    void listFiltersAndPages() throws Exception {
        enroll("{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\", \"site\": \"Paris\"}");
        enroll("{\"mac\": \"00809f000002\", \"model\": \"Halo H6P\", \"site\": \"Paris\"}");
        enroll("{\"mac\": \"00809f000003\", \"model\": \"Myriad M7\", \"site\": \"Lyon\"}");
        hub.adminJson("PATCH", "/admin/v1/devices/00809f000003", "{\"state\": \"disabled\"}");

        assertEquals(2, list("?site=Paris").size());
        assertEquals(2, list("?model=m7").size());
        assertEquals("00809f000003", list("?state=disabled").get(0).get("mac").asText());
        assertEquals("00809f000002", list("?size=1&page=1").get(0).get("mac").asText());
        assertEquals(400, hub.adminJson("GET", "/admin/v1/devices?state=asleep", null).getStatus());
        assertEquals(400, hub.adminJson("GET", "/admin/v1/devices?size=0", null).getStatus());
    }

    @Test
    void removeThenItIsGone() throws Exception {
        enroll("{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M7\"}");

        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/devices/00:80:9F:AA:BB:CC", null).getStatus());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/devices/00809faabbcc", null).getStatus());
        assertEquals(404, hub.adminJson("DELETE", "/admin/v1/devices/00809faabbcc", null).getStatus());
    }

    @Test
    void siteAndDeviceLayersReachThePhonesConfiguration() throws Exception {
        enroll("{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M7\", \"extension\": \"1001\", \"site\": \"Paris\", "
                + "\"settings\": {\"ntp.server\": \"ntp.device.test\"}}");
        ContentResponse site = hub.adminJson("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"locale.language\": \"fr\", \"locale.timezone\": \"Europe/Paris\", "
                        + "\"ntp.server\": \"ntp.paris.test\"}}");
        assertEquals(200, site.getStatus(), site.getContentAsString());

        try (TestHub.Phone phone = hub.phone("00809faabbcc", "Myriad M7")) {
            String config = phone.get("/prov/v1/config/00809faabbcc.xml").getContentAsString();
            assertTrue(config.contains("<locale timezone=\"Europe/Paris\" language=\"fr\"/>"), config);
            assertTrue(config.contains("<ntp server=\"ntp.device.test\"/>"), "the device layer wins: " + config);
        }
        assertEquals("ntp.device.test", json(hub.adminJson("GET", "/admin/v1/devices/00809faabbcc", null))
                .at("/settings/ntp.server").asText());
    }

    @Test
    void badOrManagedSettingsAreRefused() throws Exception {
        ContentResponse managed = hub.adminJson("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"sip.account.password\": \"x\", \"sip.keepAlive\": \"3\", \"media.srtp\": \"no\", "
                        + "\"sip.keepalive.interval\": \"90\"}}");

        assertEquals(400, managed.getStatus());
        assertEquals("sip.account.password is managed by the hub and cannot be set; unknown setting 'sip.keepAlive'; "
                + "media.srtp 'no' is not valid: expected one of mandatory, optional, off; "
                + "sip.keepalive.interval is managed by the hub and cannot be set",
                json(managed).get("message").asText());
    }

    @Test
    void firmwareUploadListTargetAndDelete() throws Exception {
        byte[] image = "firmware image bytes".getBytes(StandardCharsets.UTF_8);
        assertEquals(201, upload("Myriad M7", "1.0", image).getStatus());
        assertEquals(201, upload("myriad-m7", "1.1", image).getStatus());

        ContentResponse again = upload("Myriad M7", "1.0", image);
        ContentResponse traversal = upload("Myriad M7", "../../etc/passwd", image);
        ContentResponse unknownModel = upload("Myriad M9", "1.0", image);
        ContentResponse empty = upload("Myriad M7", "2.0", new byte[0]);

        assertEquals(409, again.getStatus());
        assertEquals("firmware-exists", json(again).get("error").asText());
        assertEquals(400, traversal.getStatus());
        assertEquals("invalid-version", json(traversal).get("error").asText());
        assertEquals("unknown-model", json(unknownModel).get("error").asText());
        assertEquals("empty-upload", json(empty).get("error").asText());
        try (Stream<Path> files = Files.walk(home.resolve("firmware"))) {
            assertEquals(2, files.filter(Files::isRegularFile).count(), "only the two good images are on disk");
        }

        assertEquals(200, hub.adminJson("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"1.1\"}").getStatus());
        JsonNode images = json(hub.adminJson("GET", "/admin/v1/firmware", null)).get("images");
        assertEquals(2, images.size());
        assertEquals(image.length, images.get(0).get("size").asInt());
        assertEquals(64, images.get(0).get("sha256").asText().length());
        assertFalse(images.get(0).get("target").asBoolean());
        assertTrue(images.get(1).get("target").asBoolean());
        assertEquals(404, hub.adminJson("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"9.9\"}").getStatus());

        ContentResponse inUse = hub.adminJson("DELETE", "/admin/v1/firmware/Myriad%20M7/1.1", null);
        assertEquals(409, inUse.getStatus());
        assertEquals("firmware-in-use", json(inUse).get("error").asText());
        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/firmware/Myriad%20M7/1.0", null).getStatus());
    }

    @Test
    void aTruncatedUploadStoresNothing() {
        FirmwareStore store = hub.provisioning.firmware();

        ProvisioningException e = assertThrows(ProvisioningException.class, () -> store.upload("default", "Myriad M7", "3.0",
                new ByteArrayInputStream(new byte[1000]), 5000));

        assertEquals("truncated-upload", e.reason());
        assertEquals("received 1000 of 5000 bytes; nothing was stored", e.getMessage());
        assertTrue(store.find("default", "Myriad M7", "3.0").isEmpty());
        assertFalse(Files.exists(home.resolve("firmware/myriad-m7/3.0.bin")));
    }

    @Test
    void hugeHeadersAreRefusedBeforeAnyHandler() throws Exception {
        // Jetty's client will not send such a request; curl will.
        Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                hub.pki.file("ca.pem").toString(), "-H", "X-Padding: " + "x".repeat(32 * 1024),
                hub.adminUrl("/healthz")).redirectErrorStream(true).start();
        String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));

        assertEquals("431", status);
    }

    @Test
    void theConsoleIsServedWithoutDataAndUsesTheApi() throws Exception {
        ContentResponse page = hub.anonymousAdminClient().GET(hub.adminUrl("/admin/"));
        ContentResponse script = hub.anonymousAdminClient().GET(hub.adminUrl("/admin/console.js"));

        assertEquals(200, page.getStatus());
        assertTrue(page.getContentAsString().contains("<title>Hub console</title>"));
        assertEquals("default-src 'self'; frame-ancestors 'none'", page.getHeaders().get("Content-Security-Policy"));
        assertTrue(script.getContentAsString().contains("/admin/v1/devices"), "the page reads the admin API");
        assertEquals(401, hub.anonymousAdminClient().GET(hub.adminUrl("/admin/v1/devices")).getStatus(),
                "the data still needs the token");
    }

    @Test
    void anOversizedCsvIsRefusedBeforeItIsSent() throws Exception {
        Path big = home.resolve("big.csv");
        byte[] bytes = new byte[17 * 1024 * 1024];
        java.util.Arrays.fill(bytes, (byte) 'a');
        Files.write(big, bytes);

        // curl asks "Expect: 100-continue" for a body this size, so the refusal arrives before the body.
        Process curl = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code}", "--cacert",
                hub.pki.file("ca.pem").toString(), "-H", "Authorization: Bearer " + TestHub.TOKEN,
                "-H", "Content-Type: text/csv", "--data-binary", "@" + big,
                hub.adminUrl("/admin/v1/devices/import")).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));

        assertTrue(output.endsWith("413"), output);
        assertTrue(output.contains("\"error\":\"too-large\""), output);
    }

    @Test
    void onlyTls12And13WithAeadSuitesAreSpoken() throws Exception {
        assertEquals(0, openssl("-tls1_3").exitValue(), "TLS 1.3 works");
        assertEquals(0, openssl("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256").exitValue(), "TLS 1.2 AEAD");
        assertTrue(openssl("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256").exitValue() != 0, "no CBC suite");
        assertTrue(openssl("-tls1_1").exitValue() != 0, "no TLS 1.1");
    }

    private Process openssl(String... options) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + hub.provisioning.devicePort(), "-CAfile", hub.pki.file("ca.pem").toString(),
                "-verify_return_error", "-brief"));
        command.addAll(java.util.List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        return process;
    }

    @Test
    void metricsCountDeviceRequests() throws Exception {
        try (TestHub.Phone phone = hub.phone("00809faabbcc", "Myriad M7")) {
            phone.get("/rdd/v1/discovery");
        }

        String metrics = hub.adminJson("GET", "/metrics", null).getContentAsString();

        assertTrue(metrics.contains("hub_device_requests_total{action=\"discovery\",outcome=\"not-enrolled\"} 1.0"),
                metrics);
    }

    private ContentResponse enroll(String json) throws Exception {
        return hub.adminJson("POST", "/admin/v1/devices", json);
    }

    private ContentResponse upload(String model, String version, byte[] image) throws Exception {
        return hub.admin("POST", "/admin/v1/firmware?model=" + java.net.URLEncoder.encode(model, StandardCharsets.UTF_8)
                + "&version=" + java.net.URLEncoder.encode(version, StandardCharsets.UTF_8), "application/octet-stream",
                image);
    }

    private JsonNode list(String query) throws Exception {
        return json(hub.adminJson("GET", "/admin/v1/devices" + query, null)).get("devices");
    }

    private static JsonNode json(ContentResponse response) throws Exception {
        return Responses.JSON.readTree(response.getContent());
    }
}
