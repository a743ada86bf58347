package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import io.hub.provisioning.http.Responses;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/**
 * Tenants made through the admin API by the operator, and what each of them sees: its own devices,
 * firmware, audit and status history, its own SIP domain in its phones' configurations.
 */
class TenantIsolationTest extends HubTest {

    @Test
    void theOperatorCreatesATenantWhoseTokenWorksAndIsNeverListed() throws Exception {
        ContentResponse created = operator("POST", "/admin/v1/tenants",
                "{\"name\": \"acme\", \"sipDomain\": \"Acme.Example.com\"}");
        ContentResponse derived = operator("POST", "/admin/v1/tenants", "{\"name\": \"beta\"}");

        assertEquals(201, created.getStatus(), created.getContentAsString());
        JsonNode acme = json(created);
        assertEquals("acme", acme.get("name").asText());
        assertEquals("acme.example.com", acme.get("sipDomain").asText());
        String token = acme.get("token").asText();
        assertTrue(token.length() >= 40, token);
        assertEquals("beta.localhost", json(derived).get("sipDomain").asText(),
                "a left-out domain is the name under the hub's (localhost here)");
        assertEquals(200, as(token, "GET", "/admin/v1/devices", null).getStatus());

        ContentResponse list = operator("GET", "/admin/v1/tenants", null);
        assertEquals(200, list.getStatus());
        List<String> rows = new ArrayList<>();
        json(list).get("tenants").forEach(t -> rows.add(t.get("name").asText() + " " + t.get("sipDomain").asText()
                + " " + t.get("tokenState").asText()));
        assertEquals(List.of("default localhost active", "acme acme.example.com active", "beta beta.localhost active"),
                rows);
        assertFalse(list.getContentAsString().contains(token), "tokens are never listed");
    }

    @Test
    void aRotatedTokenReplacesTheOldAndARevokedOneStopsAll() throws Exception {
        String first = json(operator("POST", "/admin/v1/tenants", "{\"name\": \"acme\"}")).get("token").asText();

        ContentResponse rotated = operator("POST", "/admin/v1/tenants/acme/token", null);
        String second = json(rotated).get("token").asText();

        assertEquals(200, rotated.getStatus());
        assertEquals(401, as(first, "GET", "/admin/v1/devices", null).getStatus(), "the old token stops");
        assertEquals(200, as(second, "GET", "/admin/v1/devices", null).getStatus());

        assertEquals(204, operator("DELETE", "/admin/v1/tenants/acme/token", null).getStatus());
        assertEquals(401, as(second, "GET", "/admin/v1/devices", null).getStatus(), "no token works once revoked");
        assertEquals("revoked", json(operator("GET", "/admin/v1/tenants", null)).at("/tenants/1/tokenState").asText());

        String third = json(operator("POST", "/admin/v1/tenants/acme/token", null)).get("token").asText();
        assertEquals(200, as(third, "GET", "/admin/v1/devices", null).getStatus());
        ContentResponse unknown = operator("DELETE", "/admin/v1/tenants/nobody/token", null);
        assertEquals(404, unknown.getStatus());
        assertEquals("no-such-tenant", json(unknown).get("error").asText());
        ContentResponse operatorsOwn = operator("POST", "/admin/v1/tenants/default/token", null);
        assertEquals(400, operatorsOwn.getStatus());
        assertEquals("operator-token", json(operatorsOwn).get("error").asText());
    }

    @Test
    void badTenantsAreRefusedWithTheirReasonAndNothingIsCreated() throws Exception {
        assertEquals(201, operator("POST", "/admin/v1/tenants",
                "{\"name\": \"acme\", \"sipDomain\": \"acme.example.com\"}").getStatus());

        assertRefused(400, "invalid-tenant", "the tenant's name is empty", "{\"name\": \"\"}");
        assertRefused(400, "invalid-tenant", "the tenant's name is empty", "{\"sipDomain\": \"x.example.com\"}");
        assertRefused(400, "invalid-tenant", "the tenant's name is longer than 32 characters",
                "{\"name\": \"" + "a".repeat(33) + "\"}");
        assertRefused(400, "invalid-tenant", "the tenant's name 'Acme!' is not lower-case letters, digits and "
                + "inner dashes", "{\"name\": \"Acme!\"}");
        assertRefused(400, "invalid-tenant", "the tenant's name '../x' is not lower-case letters, digits and "
                + "inner dashes", "{\"name\": \"../x\"}");
        assertRefused(400, "invalid-tenant", "unknown field(s) [token]; expected name, sipDomain",
                "{\"name\": \"evil\", \"token\": \"mine\"}");
        assertRefused(409, "tenant-exists", "tenant acme already exists",
                "{\"name\": \"acme\", \"sipDomain\": \"other.example.com\"}");
        assertRefused(409, "tenant-exists", "tenant default already exists", "{\"name\": \"default\"}");
        assertRefused(400, "invalid-domain", "the SIP domain is empty", "{\"name\": \"b\", \"sipDomain\": \"\"}");
        assertRefused(400, "invalid-domain", "the SIP domain 'a..example.com' is not a DNS name of two or more "
                + "labels (letters, digits, inner dashes)", "{\"name\": \"b\", \"sipDomain\": \"a..example.com\"}");
        assertRefused(400, "invalid-domain", "the SIP domain '10.0.0.5' is not a DNS name of two or more labels "
                + "(letters, digits, inner dashes)", "{\"name\": \"b\", \"sipDomain\": \"10.0.0.5\"}");
        assertRefused(400, "invalid-domain", "the SIP domain is longer than 253 characters",
                "{\"name\": \"b\", \"sipDomain\": \"" + "a".repeat(60) + ("." + "b".repeat(60)).repeat(4) + "\"}");
        assertRefused(409, "domain-taken", "domain acme.example.com belongs to another tenant",
                "{\"name\": \"b\", \"sipDomain\": \"ACME.example.com\"}");
        assertRefused(409, "domain-taken", "domain localhost is the hub's own (the default tenant's)",
                "{\"name\": \"b\", \"sipDomain\": \"localhost\"}");
        assertRefused(400, "invalid-json", "sipDomain must be a string", "{\"name\": \"b\", \"sipDomain\": 7}");

        assertEquals(2, json(operator("GET", "/admin/v1/tenants", null)).get("tenants").size(), "nothing was created");
        JsonNode audit = json(operator("GET", "/admin/v1/audit?limit=1", null)).get("events");
        assertEquals("tenant-create", audit.get(0).get("action").asText());
        assertEquals("domain-taken", audit.get(0).get("reason").asText(), "refusals are audited");
    }

    @Test
    void theOperatorSetsATenantsSipClientCertificateAndNullFollowsTheHubAgain() throws Exception {
        String acme = tenant("acme");

        ContentResponse required = operator("PATCH", "/admin/v1/tenants/acme", "{\"sipClientCertificate\": \"required\"}");
        assertEquals(200, required.getStatus(), required.getContentAsString());
        assertEquals("required", json(required).get("sipClientCertificate").asText());
        assertEquals(java.util.Optional.of("required"), hub.provisioning.tenants().sipClientCertificate("acme"));
        JsonNode listed = json(operator("GET", "/admin/v1/tenants", null)).get("tenants");
        assertEquals("required", listed.get(1).get("sipClientCertificate").asText(), listed.toString());
        assertTrue(listed.get(0).get("sipClientCertificate").isNull(), "the default tenant follows hub.yaml");

        assertEquals(200, operator("PATCH", "/admin/v1/tenants/acme", "{\"sipClientCertificate\": null}").getStatus());
        assertEquals(java.util.Optional.empty(), hub.provisioning.tenants().sipClientCertificate("acme"));

        for (String[] bad : List.of(new String[] {"{\"sipClientCertificate\": \"always\"}",
                "sipClientCertificate 'always' is not wanted or required"},
                new String[] {"{\"sipClientCertificate\": 1}", "sipClientCertificate must be \"wanted\", \"required\" or null"},
                new String[] {"{\"sipDomain\": \"x.example.com\"}",
                        "expected exactly the field sipClientCertificate, got [sipDomain]"})) {
            ContentResponse refused = operator("PATCH", "/admin/v1/tenants/acme", bad[0]);
            assertEquals(400, refused.getStatus(), bad[0]);
            assertEquals("invalid-setting", json(refused).get("error").asText());
            assertEquals(bad[1], json(refused).get("message").asText());
        }
        assertEquals(404, operator("PATCH", "/admin/v1/tenants/nobody", "{\"sipClientCertificate\": null}")
                .getStatus());
        assertEquals(403, as(acme, "PATCH", "/admin/v1/tenants/acme", "{\"sipClientCertificate\": \"wanted\"}")
                .getStatus(), "a tenant does not loosen its own setting");
        assertEquals(java.util.Optional.empty(), hub.provisioning.tenants().sipClientCertificate("acme"));
    }

    @Test
    void onlyTheOperatorManagesTenantsAndSeesClaimablePhones() throws Exception {
        String acme = tenant("acme");
        try (TestHub.Phone unenrolled = hub.phone("00809f0000aa", "Myriad M7")) {
            assertEquals(404, unenrolled.get("/rdd/v1/discovery").getStatus());
        }

        for (String[] call : List.of(new String[] {"POST", "/admin/v1/tenants", "{\"name\": \"evil\"}"},
                new String[] {"GET", "/admin/v1/tenants", null},
                new String[] {"POST", "/admin/v1/tenants/default/token", null},
                new String[] {"DELETE", "/admin/v1/tenants/acme/token", null},
                new String[] {"GET", "/admin/v1/devices/claimable", null}, new String[] {"GET", "/metrics", null})) {
            ContentResponse refused = as(acme, call[0], call[1], call[2]);
            assertEquals(403, refused.getStatus(), call[0] + " " + call[1]);
            assertEquals("operator-only", json(refused).get("error").asText());
        }
        assertEquals(200, as(acme, "GET", "/admin/v1/devices", null).getStatus(), "acme's token still works");
        assertEquals("00809f0000aa", json(operator("GET", "/admin/v1/devices/claimable", null))
                .at("/devices/0/mac").asText());
        assertEquals(2, json(operator("GET", "/admin/v1/tenants", null)).get("tenants").size());
    }

    @Test
    void theSameExtensionInTwoTenantsIsTwoPhonesEachInItsTenantsDomain() throws Exception {
        String acme = tenant("acme", "acme.example.com");
        assertEquals(201, operator("POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}").getStatus());
        assertEquals(201, as(acme, "POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000002\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}").getStatus());
        ContentResponse moved = as(acme, "PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"sip.domain\": \"localhost\"}}");

        try (TestHub.Phone own = hub.phone("00809f000001", "Myriad M7");
                TestHub.Phone acmes = hub.phone("00809f000002", "Myriad M7")) {
            String ownConfig = own.get("/prov/v1/config/00809f000001.xml").getContentAsString();
            String acmeConfig = acmes.get("/prov/v1/config/00809f000002.xml").getContentAsString();

            assertTrue(ownConfig.contains("<sip domain=\"localhost\">"), ownConfig);
            assertTrue(acmeConfig.contains("<sip domain=\"acme.example.com\">"), acmeConfig);
            assertTrue(acmeConfig.contains("user=\"1001\""), acmeConfig);
        }
        assertEquals(400, moved.getStatus(), "no layer moves a phone out of its tenant's domain");
        assertEquals("00809f000002", hub.provisioning.enrollment().byExtension("acme", "1001").orElseThrow().mac()
                .value());
        assertEquals("00809f000001", hub.provisioning.enrollment().byExtension("default", "1001").orElseThrow().mac()
                .value());
        assertEquals(1, json(as(acme, "GET", "/admin/v1/devices", null)).get("devices").size());
        assertEquals(404, as(acme, "GET", "/admin/v1/devices/00809f000001", null).getStatus());
    }

    @Test
    void firmwareAndItsTargetAreEachTenantsOwn() throws Exception {
        String acme = tenant("acme");
        operator("POST", "/admin/v1/devices", "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\"}");
        as(acme, "POST", "/admin/v1/devices", "{\"mac\": \"00809f000002\", \"model\": \"Myriad M7\"}");

        assertEquals(201, upload(acme, "0.9").getStatus());
        assertEquals(200, as(acme, "PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"0.9\"}").getStatus());
        try (TestHub.Phone own = hub.phone("00809f000001", "Myriad M7");
                TestHub.Phone acmes = hub.phone("00809f000002", "Myriad M7")) {
            assertFalse(own.get("/rdd/v1/discovery").getContentAsString().contains("<firmware"),
                    "acme's target never reaches the default tenant's phones");
            assertTrue(acmes.get("/rdd/v1/discovery").getContentAsString().contains("version=\"0.9\""));
            assertEquals(0, json(operator("GET", "/admin/v1/firmware", null)).get("images").size());

            assertEquals(201, upload(TestHub.TOKEN, "1.0").getStatus());
            assertEquals(200, operator("PUT", "/admin/v1/firmware/target",
                    "{\"model\": \"Myriad M7\", \"version\": \"1.0\"}").getStatus());
            assertTrue(own.get("/rdd/v1/discovery").getContentAsString().contains("version=\"1.0\""));
            assertTrue(acmes.get("/rdd/v1/discovery").getContentAsString().contains("version=\"0.9\""),
                    "the default tenant's target does not reach acme's phones either");
            assertEquals(404, acmes.get("/prov/v1/firmware/Myriad%20M7/1.0").getStatus(),
                    "another tenant's image is not served");
            assertEquals(200, acmes.get("/prov/v1/firmware/Myriad%20M7/0.9").getStatus());
        }
        ContentResponse foreignTarget = as(acme, "PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"1.0\"}");
        ContentResponse foreignDelete = as(acme, "DELETE", "/admin/v1/firmware/Myriad%20M7/1.0", null);
        assertEquals(404, foreignTarget.getStatus());
        assertEquals(404, foreignDelete.getStatus());
        assertEquals("unknown-firmware", json(foreignDelete).get("error").asText());
        assertEquals(1, json(operator("GET", "/admin/v1/firmware", null)).get("images").size(),
                "the default tenant's image is still there");
        assertEquals(201, upload(TestHub.TOKEN, "0.9").getStatus(), "versions are per tenant too");
    }

    @Test
    void eachTenantReadsItsOwnAuditAndTheOperatorReadsAll() throws Exception {
        String acme = tenant("acme");
        operator("POST", "/admin/v1/devices", "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\"}");
        as(acme, "POST", "/admin/v1/devices", "{\"mac\": \"00809f000002\", \"model\": \"Myriad M7\"}");
        try (TestHub.Phone own = hub.phone("00809f000001", "Myriad M7");
                TestHub.Phone acmes = hub.phone("00809f000002", "Myriad M7")) {
            assertEquals(200, own.get("/rdd/v1/discovery").getStatus());
            assertEquals(200, acmes.get("/rdd/v1/discovery").getStatus());
            assertEquals(204, acmes.post("/prov/v1/status/00809f000002", "{\"firmware\": \"1.0.0\"}").getStatus());
            assertEquals(204, own.post("/prov/v1/status/00809f000001", "{\"firmware\": \"1.0.0\"}").getStatus());
            assertEquals(403, acmes.get("/prov/v1/config/00809f000001.xml").getStatus());
        }

        JsonNode acmes = json(as(acme, "GET", "/admin/v1/audit", null)).get("events");
        JsonNode all = json(operator("GET", "/admin/v1/audit", null)).get("events");

        List<String> seen = new ArrayList<>();
        acmes.forEach(event -> seen.add(event.get("action").asText() + " " + event.path("mac").asText("-") + " "
                + event.get("actor").asText()));
        assertEquals(List.of("status 00809f000002 device", "discovery 00809f000002 device",
                "enroll 00809f000002 admin:acme"), seen, "acme sees its own rows only, its phone's among them");
        assertTrue(all.toString().contains("00809f000001") && all.toString().contains("00809f000002")
                && all.toString().contains("tenant-create"), all.toString());
        assertEquals(0, json(as(acme, "GET", "/admin/v1/audit?mac=00809f000001", null)).get("events").size());
        assertEquals("acme", json(operator("GET", "/admin/v1/audit?mac=00809f000002&limit=1", null))
                .at("/events/0/tenant").asText(), "the operator sees whose row it is");
    }

    @Test
    void aReEnrolledPhoneStartsWithoutItsFormerOwnersHistory() throws Exception {
        String acme = tenant("acme");
        operator("POST", "/admin/v1/devices", "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\"}");
        try (TestHub.Phone phone = hub.phone("00809f000001", "Myriad M7")) {
            assertEquals(200, phone.get("/rdd/v1/discovery").getStatus());
        }
        assertTrue(json(operator("GET", "/admin/v1/devices/00809f000001", null)).has("history"));

        assertEquals(204, operator("DELETE", "/admin/v1/devices/00809f000001", null).getStatus());
        assertEquals(201, as(acme, "POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\"}").getStatus());

        JsonNode device = json(as(acme, "GET", "/admin/v1/devices/00809f000001", null));
        assertFalse(device.has("history"), device.toString());
        assertTrue(hub.provisioning.enrollment().contacts(MacAddress.parse("00809f000001"), 10).isEmpty());
    }

    private void assertRefused(int status, String reason, String message, String body) throws Exception {
        ContentResponse refused = operator("POST", "/admin/v1/tenants", body);
        assertEquals(status, refused.getStatus(), body + " -> " + refused.getContentAsString());
        assertEquals(reason, json(refused).get("error").asText(), body);
        assertEquals(message, json(refused).get("message").asText(), body);
    }

    private String tenant(String name) throws Exception {
        return json(operator("POST", "/admin/v1/tenants", "{\"name\": \"" + name + "\"}")).get("token").asText();
    }

    private String tenant(String name, String domain) throws Exception {
        return json(operator("POST", "/admin/v1/tenants", "{\"name\": \"" + name + "\", \"sipDomain\": \"" + domain
                + "\"}")).get("token").asText();
    }

    private ContentResponse upload(String token, String version) throws Exception {
        return hub.anonymousAdminClient().newRequest(hub.adminUrl("/admin/v1/firmware?model="
                + URLEncoder.encode("Myriad M7", StandardCharsets.UTF_8) + "&version=" + version)).method("POST")
                .timeout(30, TimeUnit.SECONDS).headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new BytesRequestContent("application/octet-stream",
                        ("image " + version).getBytes(StandardCharsets.UTF_8))).send();
    }

    private ContentResponse operator(String method, String path, String json) throws Exception {
        return as(TestHub.TOKEN, method, path, json);
    }

    private ContentResponse as(String token, String method, String path, String json) throws Exception {
        var request = hub.anonymousAdminClient().newRequest(hub.adminUrl(path)).method(method)
                .timeout(30, TimeUnit.SECONDS).headers(h -> h.put("Authorization", "Bearer " + token));
        if (json != null) {
            request.body(new BytesRequestContent("application/json", json.getBytes(StandardCharsets.UTF_8)));
        }
        return request.send();
    }

    private static JsonNode json(ContentResponse response) throws Exception {
        return Responses.JSON.readTree(response.getContent());
    }
}
