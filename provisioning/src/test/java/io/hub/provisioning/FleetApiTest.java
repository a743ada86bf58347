package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's device list ({@code GET /admin/v1/fleet}) joins the devices with the live
 * registrations another module publishes, searches, filters and pages; {@code GET
 * /admin/v1/audit/search} filters the audit log. Bad filters are refused with what is allowed.
 */
class FleetApiTest extends HubTest {

    @BeforeEach
    void enrollThreePhones() throws Exception {
        enroll("00809f000001", "Myriad M7", "1001", "Reception <b>desk</b>", "Paris");
        enroll("00809f000002", "Halo H6P", "1002", "Boardroom", "Paris");
        enroll("00809f000003", "Myriad M7", "1003", "Warehouse 100%", "Lyon");
        // What the registrar publishes in the running hub: one binding of 1002's phone.
        hub.provisioning.publishLiveView("registrations", tenant -> Map.of("registrations", List.of(
                Map.of("aor", "sip:1002@localhost", "mac", "00809f000002", "flow", "up", "source", "10.1.0.7:5061",
                        "transport", "tls")), "flows", 1));
    }

    @Test
    void theListJoinsEachPhoneWithItsBindingsAndItsReportedState() throws Exception {
        try (TestHub.Phone phone = hub.phone("00809f000002", "Halo H6P")) {
            assertEquals(204, phone.post("/prov/v1/status/00809f000002", "{\"firmware\": \"1.0.0\", \"ip\": "
                    + "\"10.1.0.7\"}").getStatus());
        }
        byte[] image = "image".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        hub.provisioning.firmware().upload("default", "Halo H6P", "2.0.0", new ByteArrayInputStream(image),
                image.length);
        hub.provisioning.firmware().setTarget("default", "Halo H6P", "2.0.0");

        JsonNode fleet = fleet("");

        assertEquals(3, fleet.get("total").asInt());
        assertEquals(1, fleet.get("registered").asInt());
        assertEquals(List.of("Lyon", "Paris"), texts(fleet.get("sites")));
        assertEquals(List.of("Halo H6P", "Myriad M7"), texts(fleet.get("models")));
        JsonNode registered = fleet.get("devices").get(1);
        assertEquals("00809f000002", registered.get("mac").asText());
        assertTrue(registered.get("registered").asBoolean());
        assertEquals("10.1.0.7:5061", registered.get("bindings").get(0).get("source").asText());
        assertEquals("1.0.0", registered.get("firmware").get("running").asText());
        assertEquals("2.0.0", registered.get("firmware").get("target").asText());
        assertFalse(registered.get("firmware").get("upToDate").asBoolean());
        assertEquals("status", registered.get("lastContact").get("kind").asText());
        assertEquals("none", registered.get("certificate").asText());
        JsonNode never = fleet.get("devices").get(0);
        assertFalse(never.get("registered").asBoolean());
        assertTrue(never.get("lastContact").isNull());
        assertEquals("Reception <b>desk</b>", never.get("displayName").asText());
    }

    @Test
    void searchFiltersAndPagesTogether() throws Exception {
        assertEquals(List.of("00809f000001"), macs(fleet("?q=recep")));
        assertEquals(List.of("00809f000003"), macs(fleet("?q=00:80:9F:00:00:03")), "a MAC in any spelling");
        assertEquals(List.of("00809f000003"), macs(fleet("?q=100%25")), "a % is a character, not a wildcard");
        assertEquals(List.of(), macs(fleet("?q=_")), "and so is _");
        assertEquals(List.of("00809f000001", "00809f000003"), macs(fleet("?model=myriad%20m7")));
        assertEquals(List.of("00809f000002"), macs(fleet("?live=registered")));
        assertEquals(List.of("00809f000001"), macs(fleet("?live=unregistered&site=Paris")));
        hub.adminJson("PATCH", "/admin/v1/devices/00809f000003", "{\"state\": \"disabled\"}");
        assertEquals(List.of("00809f000003"), macs(fleet("?state=disabled")));

        JsonNode second = fleet("?size=2&page=1");
        assertEquals(3, second.get("total").asInt());
        assertEquals(List.of("00809f000003"), macs(second));
        assertEquals(List.of(), macs(fleet("?size=2&page=5")));
        JsonNode unregistered = fleet("?live=unregistered&size=1&page=1");
        assertEquals(List.of("00809f000003"), macs(unregistered), "the live filter pages with the rest");
        assertEquals(2, unregistered.get("total").asInt());
        assertEquals(0, unregistered.get("registered").asInt());
        assertEquals(1, fleet("?q=boardroom").get("registered").asInt());
    }

    @Test
    void badFiltersAreRefusedWithWhatIsAllowed() throws Exception {
        assertRefused("/admin/v1/fleet?live=maybe", "invalid-filter", "live 'maybe' is not registered or unregistered");
        assertRefused("/admin/v1/fleet?state=asleep", "invalid-filter", "state 'asleep' is not enabled or disabled");
        assertRefused("/admin/v1/fleet?size=501", "invalid-query", "size must be a number from 0 to 500");
        assertRefused("/admin/v1/audit/search?outcome=maybe", "invalid-query", "outcome is ok or refused, not 'maybe'");
        assertRefused("/admin/v1/audit/search?since=yesterday", "invalid-query",
                "since must be a time such as 2026-12-04T10:00:00Z");
        assertRefused("/admin/v1/audit/search?action=a%20b", "invalid-query",
                "action is 1 to 100 letters, digits and : . _ @ -");
    }

    @Test
    void theAuditSearchFiltersByMacActionAndOutcome() throws Exception {
        hub.adminJson("PATCH", "/admin/v1/devices/00809f000001", "{\"displayName\": \"Lobby\"}");
        hub.anonymousAdminClient().GET(hub.adminUrl("/admin/v1/devices"));

        JsonNode enrolls = get("/admin/v1/audit/search?action=enroll").get("events");
        JsonNode one = get("/admin/v1/audit/search?mac=00:80:9f:00:00:01&limit=1").get("events");
        JsonNode refused = get("/admin/v1/audit/search?outcome=refused").get("events");

        assertEquals(3, enrolls.size());
        assertEquals(1, one.size());
        assertEquals("00809f000001", one.get(0).get("mac").asText().strip());
        assertEquals("update", one.get(0).get("action").asText());
        assertEquals("no-token", refused.get(0).get("reason").asText());
    }

    @Test
    void anotherTenantSeesNoneOfThesePhones() throws Exception {
        String token = Responses.JSON.readTree(hub.adminJson("POST", "/admin/v1/tenants", "{\"name\": \"acme\"}")
                .getContentAsString()).get("token").asText();

        JsonNode fleet = Responses.JSON.readTree(hub.adminJson(token, "GET", "/admin/v1/fleet", null)
                .getContentAsString());
        JsonNode audit = Responses.JSON.readTree(hub.adminJson(token, "GET", "/admin/v1/audit/search?action=enroll",
                null).getContentAsString());

        assertEquals(0, fleet.get("total").asInt());
        assertEquals(0, fleet.get("sites").size());
        assertEquals(0, audit.get("events").size());
    }

    private void enroll(String mac, String model, String extension, String name, String site) throws Exception {
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices", Responses.JSON.writeValueAsString(
                Map.of("mac", mac, "model", model, "extension", extension, "displayName", name, "site", site)));
        assertEquals(201, enrolled.getStatus(), enrolled.getContentAsString());
    }

    private JsonNode fleet(String query) throws Exception {
        return get("/admin/v1/fleet" + query);
    }

    private JsonNode get(String path) throws Exception {
        ContentResponse response = hub.adminJson("GET", path, null);
        assertEquals(200, response.getStatus(), response.getContentAsString());
        return Responses.JSON.readTree(response.getContentAsString());
    }

    private void assertRefused(String path, String reason, String message) throws Exception {
        ContentResponse response = hub.adminJson("GET", path, null);
        JsonNode body = Responses.JSON.readTree(response.getContentAsString());
        assertEquals(400, response.getStatus(), response.getContentAsString());
        assertEquals(reason, body.get("error").asText());
        assertEquals(message, body.get("message").asText());
    }

    private static List<String> macs(JsonNode fleet) {
        List<String> macs = new ArrayList<>();
        fleet.get("devices").forEach(device -> macs.add(device.get("mac").asText()));
        return macs;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(value -> texts.add(value.asText()));
        return texts;
    }
}
