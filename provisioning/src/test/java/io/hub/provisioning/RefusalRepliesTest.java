package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/**
 * Both APIs refuse through one mapping: the same {@code X-Hub-Reason}, each API's own body, the
 * request counter's {@code outcome} label, and an audit row exactly for the causes and actions that
 * call for one.
 */
class RefusalRepliesTest extends HubTest {

    private static final String MAC = "00809faabbcc";

    @Test
    void aBadTokenIs401WithTheChallengeAndIsAuditedAndCounted() throws Exception {
        ContentResponse response = hub.adminJson("wrong-token", "GET", "/admin/v1/devices", null);

        assertJsonRefusal(response, 401, "bad-token");
        assertEquals("Bearer realm=\"hub\"", response.getHeaders().get("WWW-Authenticate"));
        JsonNode row = auditRow("bad-token");
        assertEquals("authenticate", row.get("action").asText());
        assertEquals("admin", row.get("actor").asText());
        assertTrue(metrics().contains("hub_admin_refusals_total{action=\"authenticate\",outcome=\"bad-token\"} 1.0"));
    }

    @Test
    void aTypingErrorOfTheAdminIsCountedNotAudited() throws Exception {
        ContentResponse response = hub.adminJson("POST", "/admin/v1/devices", "[1, 2]");

        assertJsonRefusal(response, 400, "invalid-json");
        assertEquals(null, auditRow("invalid-json"), "a typing error is no audit event");
        assertTrue(metrics().contains("hub_admin_refusals_total{action=\"request\",outcome=\"invalid-json\"} 1.0"));
    }

    @Test
    void aRefusedTenantChangeIsAuditedUnderItsActionAndTheAdminsName() throws Exception {
        assertEquals(201, hub.adminJson("POST", "/admin/v1/tenants", "{\"name\": \"acme\"}").getStatus());

        ContentResponse again = hub.adminJson("POST", "/admin/v1/tenants", "{\"name\": \"acme\"}");

        assertJsonRefusal(again, 409, "tenant-exists");
        JsonNode row = auditRow("tenant-exists");
        assertEquals("tenant-create", row.get("action").asText());
        assertEquals("admin:default", row.get("actor").asText());
        assertEquals("refused", row.get("outcome").asText());
    }

    @Test
    void noSuchResourceIsAnsweredInEachApisOwnFormat() throws Exception {
        assertJsonRefusal(hub.adminJson("GET", "/admin/v1/nothing-here", null), 404, "no-such-resource");
        try (TestHub.Phone phone = hub.phone(MAC, "Myriad M7")) {
            ContentResponse device = phone.get("/prov/v1/nothing-here");
            assertEquals(404, device.getStatus());
            assertEquals("no-such-resource", device.getHeaders().get("X-Hub-Reason"));
            assertTrue(device.getContentAsString().contains("<error reason=\"no-such-resource\">"),
                    device.getContentAsString());
            ContentResponse wrongMethod = phone.post("/prov/v1/config/" + MAC + ".xml", "{}");
            assertEquals(404, wrongMethod.getStatus(), "a method the resource does not serve");
            assertEquals("no-such-resource", wrongMethod.getHeaders().get("X-Hub-Reason"));
            ContentResponse notXml = phone.get("/prov/v1/config/" + MAC + ".txt");
            assertEquals("no-such-resource", notXml.getHeaders().get("X-Hub-Reason"));
        }
        assertEquals(null, auditRow("no-such-resource"), "a wrong address is no audit event");
    }

    @Test
    void aDeviceRefusalIsCountedUnderItsActionAndAuditedWithTheMacAndCertificate() throws Exception {
        try (TestHub.Phone phone = hub.phone(MAC, "Myriad M7")) {
            ContentResponse response = phone.get("/prov/v1/config/" + MAC + ".xml");
            assertEquals(404, response.getStatus());
            assertEquals("not-enrolled", response.getHeaders().get("X-Hub-Reason"));
        }
        JsonNode row = auditRow("not-enrolled");
        assertEquals("config", row.get("action").asText());
        assertEquals(MAC, row.get("mac").asText());
        assertEquals(64, row.get("fingerprint").asText().length());
        assertTrue(metrics().contains("hub_device_requests_total{action=\"config\",outcome=\"not-enrolled\"} 1.0"));
    }

    private static void assertJsonRefusal(ContentResponse response, int status, String reason) throws Exception {
        assertEquals(status, response.getStatus(), response.getContentAsString());
        assertEquals(reason, response.getHeaders().get("X-Hub-Reason"));
        assertTrue(response.getMediaType().startsWith("application/json"), response.getMediaType());
        JsonNode body = Responses.JSON.readTree(response.getContent());
        assertEquals(reason, body.get("error").asText());
        assertTrue(body.get("message").asText().length() > 0);
    }

    /** The newest audit row with this reason, or null. */
    private JsonNode auditRow(String reason) throws Exception {
        JsonNode events = Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/audit?limit=50", null).getContent())
                .get("events");
        for (JsonNode event : events) {
            if (reason.equals(event.path("reason").asText())) {
                return event;
            }
        }
        return null;
    }

    private String metrics() throws Exception {
        return hub.adminJson("GET", "/metrics", null).getContentAsString();
    }
}
