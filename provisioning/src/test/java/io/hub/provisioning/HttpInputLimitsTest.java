package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MacAddress;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status report throttling, duplicate JSON keys and page arithmetic, through the real servers. */
class HttpInputLimitsTest extends PhoneHubTest {

    @BeforeEach
    void enrollThePhone() throws Exception {
        hub.enroll(MAC, "Myriad M7", "1001");
    }

    @Test
    void aPhoneFloodingStatusReportsGetsABoundedNumberStored() throws Exception {
        int stored = 0;
        int notStored = 0;
        for (int i = 0; i < 300; i++) {
            ContentResponse answer = phone.post("/prov/v1/status/" + MAC, "{\"firmware\": \"2.1." + i + "\"}");
            if (answer.getStatus() == 204) {
                stored++;
            } else {
                assertEquals(202, answer.getStatus(), answer.getContentAsString());
                assertEquals("not-stored", answer.getHeaders().get("X-Hub-Status"));
                notStored++;
            }
        }
        // A burst of five, plus at most one a minute for however long the loop took.
        assertTrue(stored >= 5 && stored <= 10, "stored " + stored);
        assertEquals(300, stored + notStored);
        int contacts = hub.provisioning.enrollment().contacts(MacAddress.parse(MAC), 1_000).size();
        assertTrue(contacts <= stored, "contacts " + contacts);
        String metrics = hub.adminJson("GET", "/metrics", null).getContentAsString();
        assertTrue(metrics.contains("hub_device_requests_total{action=\"status\",outcome=\"throttled\"}"), metrics);
    }

    @Test
    void aStatusReportWithADuplicateKeyIsRefused() throws Exception {
        ContentResponse refused = phone.post("/prov/v1/status/" + MAC,
                "{\"firmware\": \"2.1.0\", \"firmware\": \"9.9.9\"}");
        assertEquals(400, refused.getStatus());
        assertEquals("invalid-status", refused.getHeaders().get("X-Hub-Reason"));
        assertTrue(refused.getContentAsString().contains("Duplicate field 'firmware'"), refused.getContentAsString());
        assertEquals(204, phone.post("/prov/v1/status/" + MAC, "{\"firmware\": \"2.1.0\"}").getStatus());
    }

    @Test
    void anAdminBodyWithADuplicateKeyIsRefused() throws Exception {
        ContentResponse refused = hub.adminJson("POST", "/admin/v1/devices",
                "{\"mac\": \"00-80-9F-AB-CD-02\", \"model\": \"Myriad M7\", \"extension\": \"1002\","
                        + " \"extension\": \"1003\"}");
        assertEquals(400, refused.getStatus());
        assertTrue(refused.getContentAsString().contains("invalid-json"), refused.getContentAsString());
        assertTrue(refused.getContentAsString().contains("Duplicate field 'extension'"), refused.getContentAsString());
    }

    @Test
    void aPageBeyondWhatAnOffsetCanReachIsABadRequest() throws Exception {
        ContentResponse refused = hub.adminJson("GET", "/admin/v1/devices?page=2147483647&size=1000", null);
        assertEquals(400, refused.getStatus(), refused.getContentAsString());
        assertTrue(refused.getContentAsString().contains("invalid-page"), refused.getContentAsString());
        ContentResponse last = hub.adminJson("GET", "/admin/v1/devices?page=2147483&size=1000", null);
        assertEquals(200, last.getStatus(), last.getContentAsString());
    }
}
