package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/**
 * A database that fails under a running hub (here its connection pool closed, as a crashed or
 * unreachable database server leaves it) is answered 503 {@code storage-unavailable} with
 * {@code Retry-After}, in each API's own error format, at once: never Jetty's HTML page, never a wait.
 * A phone whose configuration the hub keeps in memory is still served it.
 */
class StorageFailureTest extends OnePhoneHubTest {

    private static final String OTHER_MAC = "00809faabbcd";

    @Test
    void theDeviceSideAnswers503WithRetryAfterInItsXmlOnceTheDatabaseFails() throws Exception {
        hub.enroll(OTHER_MAC, "Myriad M7", "1002");
        try (TestHub.Phone phone = hub.phone(MAC, "Myriad M7"); TestHub.Phone other = hub.phone(OTHER_MAC, "Myriad M7")) {
            assertEquals(200, phone.get(CONFIG).getStatus(), "served while the database works");

            failTheDatabase();
            // A configuration kept since its phone's last fetch is dropped by every committed change to its
            // layers, so serving it needs no database; a phone whose configuration is not kept needs one.
            assertEquals(200, phone.get(CONFIG).getStatus(), "a kept configuration is served without the database");
            ContentResponse refused = other.get("/prov/v1/config/" + OTHER_MAC + ".xml");

            assertEquals(503, refused.getStatus(), refused.getContentAsString());
            assertEquals("5", refused.getHeaders().get("Retry-After"));
            assertEquals("storage-unavailable", refused.getHeaders().get("X-Hub-Reason"));
            assertTrue(refused.getMediaType().startsWith("application/xml"), refused.getMediaType());
            assertTrue(refused.getContentAsString().contains("<error reason=\"storage-unavailable\">"),
                    refused.getContentAsString());
            assertFalse(refused.getContentAsString().contains("sip.account"), "no byte of configuration");
            assertStorageRefusal(other.get("/rdd/v1/discovery"), "application/xml");
        }
    }

    @Test
    void theAdminSideAnswers503WithRetryAfterInItsJsonOnceTheDatabaseFails() throws Exception {
        assertEquals(200, hub.adminJson("GET", "/admin/v1/devices", null).getStatus(), "served while it works");

        failTheDatabase();
        ContentResponse list = hub.adminJson("GET", "/admin/v1/devices", null);
        ContentResponse enroll = hub.adminJson("POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\"}");

        for (ContentResponse refused : new ContentResponse[] {list, enroll}) {
            assertStorageRefusal(refused, "application/json");
            JsonNode body = Responses.JSON.readTree(refused.getContent());
            assertEquals("storage-unavailable", body.get("error").asText());
            assertTrue(body.get("message").asText().contains("retry"), body.toString());
        }
        assertEquals(503, hub.adminJson("GET", "/healthz", null).getStatus(), "health says so too");
    }

    @Test
    void aRefusalThatIsTheRequestsFaultStaysThatRefusalWhileTheDatabaseWorks() throws Exception {
        ContentResponse response = hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"nonsense\"}");

        assertEquals(400, response.getStatus(), response.getContentAsString());
        assertEquals("invalid-device", response.getHeaders().get("X-Hub-Reason"));
        assertEquals(null, response.getHeaders().get("Retry-After"), "nothing to wait for");
    }

    /** Closes the hub's connection pool under it: every later transaction fails at once. */
    private void failTheDatabase() throws Exception {
        hub.dataSource().close();
    }

    private static void assertStorageRefusal(ContentResponse refused, String mediaType) {
        assertEquals(503, refused.getStatus(), refused.getContentAsString());
        assertEquals("5", refused.getHeaders().get("Retry-After"));
        assertEquals("storage-unavailable", refused.getHeaders().get("X-Hub-Reason"));
        assertTrue(refused.getMediaType().startsWith(mediaType), refused.getMediaType());
        assertFalse(refused.getContentAsString().contains("<html"), "not Jetty's error page");
    }
}
