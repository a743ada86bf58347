package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Phones report the DHCP options they got; conflicts become alerts grouped by site and finding. */
class DhcpAlertsTest {

    /** The database the tests run on; {@link DhcpAlertsOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final String PARIS_1 = "00809f000001";
    private static final String PARIS_2 = "00809f000002";
    private static final String LYON = "00809f000003";

    @TempDir
    Path home;

    private TestHub hub;
    private final java.util.Map<String, TestHub.Phone> phones = new java.util.HashMap<>();

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(store(), home);
        enroll(PARIS_1, "Paris", "1001");
        enroll(PARIS_2, "Paris", "1002");
        enroll(LYON, "Lyon", "1003");
    }

    @AfterEach
    void stop() {
        phones.values().forEach(TestHub.Phone::close);
        hub.close();
    }

    @Test
    void phonesOfASiteThatGotTheSameValueAreOneAlertNamingThem() throws Exception {
        report(PARIS_1, "{\"66\": \"tftp://10.1.1.5\", \"43\": \"https://dm.example.net/ale\"}");
        report(PARIS_2, "{\"66\": \"tftp://10.1.1.5\"}");
        report(LYON, "{\"66\": \"tftp://10.1.1.5\", \"67\": \"\"}");

        JsonNode alerts = alerts(TestHub.TOKEN);

        assertEquals(List.of("1 phone at site Lyon got option 66 = tftp://10.1.1.5",
                "1 phone at site Paris got option 43 = https://dm.example.net/ale",
                "2 phones at site Paris got option 66 = tftp://10.1.1.5"), summaries(alerts));
        JsonNode paris66 = alerts.get(2);
        assertEquals("tftp-server", paris66.get("kind").asText());
        assertEquals("conflict", paris66.get("severity").asText());
        assertEquals(66, paris66.get("option").asInt());
        assertEquals(2, paris66.get("count").asInt());
        assertEquals(List.of(PARIS_1, PARIS_2), texts(paris66.get("phones")));
        assertEquals("option 66 (tftp-server-name) points the phone at a TFTP server on the LAN (a PBX or boot "
                + "server); the phone fetches its configuration there instead of from the hub",
                paris66.get("why").asText());
        assertEquals("remove the option for ALE phones (scope it to the vendor class of the devices that need it), or "
                + "set it to the hub's discovery URL " + hub.deviceUrl("/rdd/v1/discovery"),
                paris66.get("fix").asText());
        assertEquals("management-url", alerts.get(1).get("kind").asText());
    }

    @Test
    void aLaterReportWithoutTheConflictClearsThePhoneFromTheAlert() throws Exception {
        report(PARIS_1, "{\"66\": \"tftp://10.1.1.5\"}");
        report(PARIS_2, "{\"66\": \"tftp://10.1.1.5\"}");

        report(PARIS_1, "{\"66\": \"" + hub.deviceUrl("/rdd/v1/discovery") + "\"}");
        statusWithoutDhcp(PARIS_2);

        JsonNode alerts = alerts(TestHub.TOKEN);
        assertEquals(List.of("1 phone at site Paris got option 66 = tftp://10.1.1.5"), summaries(alerts),
                "the hub's own URL is no conflict, and a report without DHCP says nothing about it");
        assertEquals(List.of(PARIS_2), texts(alerts.get(0).get("phones")));

        report(PARIS_2, "{}");
        assertEquals(List.of(), summaries(alerts(TestHub.TOKEN)));
    }

    @Test
    void aPhoneWhoseValueChangesMovesToTheNewAlert() throws Exception {
        report(LYON, "{\"67\": \"old.cfg\"}");
        report(LYON, "{\"67\": \"new.cfg\"}");

        assertEquals(List.of("1 phone at site Lyon got option 67 = new.cfg"), summaries(alerts(TestHub.TOKEN)));
    }

    @Test
    void alertsAreTheTenantsOwnAndGoWithTheDevice() throws Exception {
        hub.provisioning.tenants().upsert("acme", "Acme", "acme-token");
        report(LYON, "{\"66\": \"10.1.1.5\"}");

        assertEquals(List.of(), summaries(alerts("acme-token")));
        assertEquals(1, summaries(alerts(TestHub.TOKEN)).size());

        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/devices/" + LYON, null).getStatus());
        assertEquals(List.of(), summaries(alerts(TestHub.TOKEN)));
    }

    @Test
    void aReportOfAnOptionTheHubDoesNotKnowIsRefused() throws Exception {
        ContentResponse refused = phone(LYON).post("/prov/v1/status/" + LYON, "{\"dhcp\": {\"150\": \"10.1.1.5\"}}");

        assertEquals(400, refused.getStatus());
        assertEquals("invalid-status", refused.getHeaders().get("X-Hub-Reason"));
    }

    private void enroll(String mac, String site, String extension) throws Exception {
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + mac
                + "\", \"model\": \"Myriad M7\", \"extension\": \"" + extension + "\", \"site\": \"" + site + "\"}");
        assertEquals(201, enrolled.getStatus(), enrolled.getContentAsString());
    }

    /** One phone per MAC, as its certificate is issued once. */
    private TestHub.Phone phone(String mac) throws Exception {
        TestHub.Phone phone = phones.get(mac);
        if (phone == null) {
            phone = hub.phone(mac, "Myriad M7");
            phones.put(mac, phone);
        }
        return phone;
    }

    private void report(String mac, String dhcp) throws Exception {
        ContentResponse status = phone(mac).post("/prov/v1/status/" + mac, "{\"firmware\": \"2.1.0\", "
                + "\"ip\": \"10.1.0.20\", \"dhcp\": " + dhcp + "}");
        assertEquals(204, status.getStatus(), status.getContentAsString());
    }

    private void statusWithoutDhcp(String mac) throws Exception {
        assertEquals(204, phone(mac).post("/prov/v1/status/" + mac, "{\"firmware\": \"2.1.0\"}").getStatus());
    }

    private JsonNode alerts(String token) throws Exception {
        ContentResponse response = hub.anonymousAdminClient().newRequest(hub.adminUrl("/admin/v1/alerts"))
                .headers(h -> h.put("Authorization", "Bearer " + token)).send();
        assertEquals(200, response.getStatus(), response.getContentAsString());
        return Responses.JSON.readTree(response.getContent()).get("alerts");
    }

    private static List<String> summaries(JsonNode alerts) {
        List<String> summaries = new ArrayList<>();
        alerts.forEach(alert -> summaries.add(alert.get("summary").asText()));
        return summaries;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
