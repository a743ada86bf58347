package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.pki.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node is listed by {@code GET /admin/v1/nodes} under its name with its heartbeat, flows and calls
 * (when a silent node counts as gone: {@code NodeTableTest}); the list is the operator's alone, and a
 * node name that is no host name is refused at start.
 */
class HubNodesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theOperatorSeesThisNodeUpWithItsHeartbeat() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.nodeName = "eu1-a";
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), clock)) {
            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));

            JsonNode up = JSON.readTree(admin.get("/admin/v1/nodes"));
            assertEquals("eu1-a", up.get("self").asText());
            assertEquals(1, up.get("nodes").size(), up.toString());
            JsonNode node = up.get("nodes").get(0);
            assertEquals("eu1-a", node.get("name").asText());
            assertEquals("up", node.get("state").asText());
            assertEquals("2026-12-04T10:00:00Z", node.get("heartbeatAt").asText());
            assertEquals(0, node.get("flows").asInt());
            assertEquals(0, node.get("calls").asInt());

            String tenantToken = hub.provisioning().tenants().create("acme", "acme.test").token();
            HttpResponse<String> tenant = admin.send("GET", "/admin/v1/nodes", null, tenantToken);
            assertEquals(403, tenant.statusCode(), tenant.body());
            assertTrue(tenant.body().contains("operator-only"), tenant.body());
        }
    }

    @Test
    void aNodeNameThatIsNoHostNameIsRefused() {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.nodeName = "eu1 a";

        UserError refused = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, settings::validate);

        assertEquals("nodeName 'eu1 a' is not 1 to 63 letters, digits, dots and dashes starting with a letter or "
                + "digit", refused.getMessage());
    }
}
