package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.CertificateAuthority;
import io.hub.pki.MacRule;
import io.hub.pki.PemFiles;
import io.hub.pki.TestPki;
import io.hub.provisioning.http.Responses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generic CA proves the vendor, not the MAC: its certificates get a device's configuration only
 * once an admin has bound that certificate's fingerprint to the device, and never by the URL alone.
 */
class GenericCertificateBindingTest {

    /** The database the tests run on; {@link GenericCertificateBindingOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final String MAC = "00809f0000aa";
    private static final String CONFIG = "/prov/v1/config/" + MAC + ".xml";

    @TempDir
    Path home;

    private TestHub hub;
    private CertificateAuthority generic;

    @BeforeEach
    void trustAGenericCa() throws Exception {
        hub = TestHub.start(store(), home);
        generic = TestPki.root("CN=Generic Phones CA,O=Generic");
        Path file = home.resolve("generic.pem");
        PemFiles.writeCertificates(file, List.of(generic.certificate()));
        hub.pki.trust(file, Optional.of("generic"), MacRule.CN, true);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aGenericCertificateNeverGetsAConfigurationByTheUrlAlone() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");

        ContentResponse response = phone.get(CONFIG);

        assertRefused(response, 403, "certificate-pending");
        JsonNode event = auditEvent("certificate-pending");
        assertEquals(MAC, event.get("mac").asText());
        assertEquals(phone.fingerprint, event.get("fingerprint").asText());
        JsonNode certificate = device(MAC).get("certificate");
        assertTrue(certificate.get("bound").isNull(), certificate.toString());
        assertEquals(phone.fingerprint, certificate.get("pending").asText());
        assertFalse(certificate.get("pendingSince").isNull());
        assertRefused(phone.get("/rdd/v1/discovery?mac=" + MAC), 403, "certificate-pending");
    }

    @Test
    void anApprovedCertificateIsServedAndNoOtherGenericCertificateIs() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        GenericPhone other = genericPhone("CN=Other Phone,O=Generic");
        assertRefused(phone.get(CONFIG), 403, "certificate-pending");
        assertRefused(other.get(CONFIG), 403, "certificate-pending");
        assertEquals(phone.fingerprint, device(MAC).at("/certificate/pending").asText(), "the first one waits");

        ContentResponse approved = hub.adminJson("POST", "/admin/v1/devices/" + MAC + "/certificate",
                "{\"fingerprint\": \"" + phone.fingerprint.toUpperCase() + "\"}");

        assertEquals(200, approved.getStatus(), approved.getContentAsString());
        assertEquals(phone.fingerprint, json(approved).at("/certificate/bound").asText());
        assertTrue(json(approved).at("/certificate/pending").isNull());
        JsonNode bind = auditEvent("certificate-bind", null);
        assertEquals(phone.fingerprint, bind.get("fingerprint").asText());
        ContentResponse config = phone.get(CONFIG);
        assertEquals(200, config.getStatus(), config.getContentAsString());
        assertTrue(config.getContentAsString().contains("password=\""), "the bound phone gets its password");
        assertEquals(200, phone.get("/rdd/v1/discovery?mac=" + MAC).getStatus());
        assertEquals(204, phone.post("/prov/v1/status/" + MAC, "{\"firmware\": \"1.0\"}").getStatus());

        assertRefused(other.get(CONFIG), 403, "certificate-mismatch");
        JsonNode mismatch = auditEvent("certificate-mismatch");
        assertEquals(other.fingerprint, mismatch.get("fingerprint").asText());
        assertTrue(mismatch.get("detail").asText().contains(phone.fingerprint), "both fingerprints are named");
    }

    @Test
    void aBoundCertificateWithoutAMacSpeaksForItsDeviceWhereTheRequestNamesNone() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        GenericPhone stranger = genericPhone("CN=Other Phone,O=Generic");
        enroll(MAC, "Myriad M7", "1001", phone.fingerprint);

        ContentResponse discovery = phone.get("/rdd/v1/discovery");

        assertEquals(200, discovery.getStatus(), discovery.getContentAsString());
        assertTrue(discovery.getContentAsString().contains("mac=\"" + MAC + "\""), discovery.getContentAsString());
        assertRefused(stranger.get("/rdd/v1/discovery"), 403, "no-mac");
    }

    @Test
    void aBoundDeviceRefusesEvenAMacAttestingCertificateOfAnotherFingerprint() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        enroll(MAC, "Myriad M7", "1001", phone.fingerprint);
        try (TestHub.Phone attested = hub.phone(MAC, "Myriad M7")) {
            assertRefused(attested.get(CONFIG), 403, "certificate-mismatch");
        }
        assertEquals(200, phone.get(CONFIG).getStatus());
    }

    @Test
    void aMacAttestingCertificateNeedsNoBinding() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);
        try (TestHub.Phone attested = hub.phone(MAC, "Myriad M7")) {
            assertEquals(200, attested.get(CONFIG).getStatus());
        }
        assertTrue(device(MAC).at("/certificate/pending").isNull(), "nothing waits for approval");
    }

    @Test
    void aFingerprintGivenAtEnrollmentIsBoundWithoutApproval() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        String colons = String.join(":", phone.fingerprint.toUpperCase().split("(?<=\\G..)"));
        enroll(MAC, "Myriad M7", "1001", colons);

        assertEquals(phone.fingerprint, device(MAC).at("/certificate/bound").asText());
        assertEquals(200, phone.get(CONFIG).getStatus());
        assertRefused(genericPhone("CN=Other Phone,O=Generic").get(CONFIG), 403, "certificate-mismatch");
    }

    @Test
    void aFingerprintGivenInTheCsvIsBound() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        String csv = "action,macAddress,deviceType,extension,certificateSha256\n"
                + "create," + MAC + ",Myriad M7,1001," + phone.fingerprint + "\n"
                + "create,00809f0000ab,Myriad M7,1002,\n";

        ContentResponse imported = hub.admin("POST", "/admin/v1/devices/import", "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));

        assertEquals(200, imported.getStatus(), imported.getContentAsString());
        assertEquals(phone.fingerprint, device(MAC).at("/certificate/bound").asText());
        assertTrue(device("00809f0000ab").at("/certificate/bound").isNull());
        assertEquals(200, phone.get(CONFIG).getStatus());
    }

    @Test
    void aCsvUpdateBindsAndABlankColumnKeepsTheBinding() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        enroll(MAC, "Myriad M7", "1001", null);
        enroll("00809f0000ab", "Myriad M7", "1002", "cd".repeat(32));
        String header = "action,macAddress,deviceType,extension,certificateSha256\n";

        ContentResponse taken = hub.admin("POST", "/admin/v1/devices/import", "text/csv", (header
                + "update," + MAC + ",Myriad M7,1001," + "cd".repeat(32) + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(422, taken.getStatus(), taken.getContentAsString());
        assertEquals("certificateSha256 " + "cd".repeat(32) + " is already bound to another device",
                json(taken).at("/errors/0/reason").asText());

        ContentResponse bound = hub.admin("POST", "/admin/v1/devices/import", "text/csv", (header
                + "update," + MAC + ",Myriad M7,1001," + phone.fingerprint + "\n"
                + "update,00809f0000ab,Myriad M7,1002,\n").getBytes(StandardCharsets.UTF_8));

        assertEquals(200, bound.getStatus(), bound.getContentAsString());
        assertEquals(phone.fingerprint, device(MAC).at("/certificate/bound").asText());
        assertEquals("cd".repeat(32), device("00809f0000ab").at("/certificate/bound").asText(),
                "a blank certificateSha256 leaves the binding as it is");
        assertEquals(200, phone.get(CONFIG).getStatus());
    }

    @Test
    void aPatchDoesNotBind() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);

        ContentResponse patched = hub.adminJson("PATCH", "/admin/v1/devices/" + MAC,
                "{\"certificateSha256\": \"" + "ab".repeat(32) + "\"}");

        assertEquals(400, patched.getStatus(), patched.getContentAsString());
        assertTrue(json(patched).get("message").asText().contains("/admin/v1/devices/" + MAC + "/certificate"));
        assertTrue(device(MAC).at("/certificate/bound").isNull());
    }

    @Test
    void aBadFingerprintInTheCsvIsReportedByLineAndNothingIsImported() throws Exception {
        String csv = "action,macAddress,deviceType,extension,certificateSha256\n"
                + "create,00809f0000ab,Myriad M7,1002,\n"
                + "create," + MAC + ",Myriad M7,1001,abc123\n";

        ContentResponse imported = hub.admin("POST", "/admin/v1/devices/import", "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));

        assertEquals(422, imported.getStatus(), imported.getContentAsString());
        assertEquals(3, json(imported).at("/errors/0/line").asInt());
        assertTrue(json(imported).at("/errors/0/reason").asText().startsWith("certificateSha256 'abc123'"),
                imported.getContentAsString());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/devices/00809f0000ab", null).getStatus(),
                "nothing imported");
    }

    @Test
    void aBadFingerprintIsRefusedAtEnrollmentAndApproval() throws Exception {
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC
                + "\", \"model\": \"Myriad M7\", \"certificateSha256\": \"" + "g".repeat(64) + "\"}");
        assertEquals(400, enrolled.getStatus(), enrolled.getContentAsString());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/devices/" + MAC, null).getStatus());

        enroll(MAC, "Myriad M7", "1001", null);
        ContentResponse approved = hub.adminJson("POST", "/admin/v1/devices/" + MAC + "/certificate",
                "{\"fingerprint\": \"" + "ab".repeat(31) + "\"}");
        assertEquals(400, approved.getStatus(), approved.getContentAsString());
        assertEquals("invalid-fingerprint", json(approved).get("error").asText());
        assertTrue(device(MAC).at("/certificate/bound").isNull());
    }

    @Test
    void oneCertificateIsBoundToOneDeviceAtMost() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        enroll(MAC, "Myriad M7", "1001", phone.fingerprint);
        enroll("00809f0000ab", "Myriad M7", "1002", null);

        ContentResponse second = hub.adminJson("POST", "/admin/v1/devices/00809f0000ab/certificate",
                "{\"fingerprint\": \"" + phone.fingerprint + "\"}");

        assertEquals(409, second.getStatus(), second.getContentAsString());
        assertEquals("certificate-in-use", json(second).get("error").asText());
        assertRefused(phone.get("/prov/v1/config/00809f0000ab.xml"), 403, "certificate-mismatch");
        assertTrue(device("00809f0000ab").at("/certificate/pending").isNull(),
                "a certificate bound elsewhere never waits for another device");
    }

    @Test
    void unbindingMakesTheNextCertificateWaitAgain() throws Exception {
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");
        enroll(MAC, "Myriad M7", "1001", phone.fingerprint);
        assertEquals(200, phone.get(CONFIG).getStatus());

        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/devices/" + MAC + "/certificate", null).getStatus());

        assertTrue(device(MAC).at("/certificate/bound").isNull());
        auditEvent("certificate-unbind", null);
        assertRefused(phone.get(CONFIG), 403, "certificate-pending");
    }

    @Test
    void anotherTenantsDeviceIsNeitherServedNorApprovable() throws Exception {
        hub.provisioning.tenants().upsert("acme", "Acme", "acme-token");
        assertEquals(201, hub.adminJson("acme-token", "POST", "/admin/v1/devices",
                "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}").getStatus());
        GenericPhone phone = genericPhone("CN=Some Phone,O=Generic");

        assertRefused(phone.get(CONFIG), 403, "certificate-pending");
        ContentResponse foreign = hub.adminJson("POST", "/admin/v1/devices/" + MAC + "/certificate",
                "{\"fingerprint\": \"" + phone.fingerprint + "\"}");
        assertEquals(404, foreign.getStatus(), "the default tenant cannot approve acme's phone");
        assertRefused(phone.get(CONFIG), 403, "certificate-pending");

        assertEquals(200, hub.adminJson("acme-token", "POST", "/admin/v1/devices/" + MAC + "/certificate",
                "{\"fingerprint\": \"" + phone.fingerprint + "\"}").getStatus());
        assertEquals(200, phone.get(CONFIG).getStatus());
    }

    @Test
    void aCertificateOfAnotherModelThanTheEnrolledOneIsRefused() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);
        GenericPhone halo = genericPhone("CN=Some Phone,OU=Halo H6P,O=Generic");

        assertRefused(halo.get(CONFIG), 403, "wrong-model");
        assertRefused(halo.get("/rdd/v1/discovery?mac=" + MAC), 403, "wrong-model");
        assertTrue(device(MAC).at("/certificate/pending").isNull(), "a wrong model never waits for approval");
        GenericPhone alias = genericPhone("CN=Some Phone,OU=M7,O=Generic");
        assertRefused(alias.get(CONFIG), 403, "certificate-pending");
    }

    @Test
    void anAttestedCertificateOfAnotherModelIsRefused() throws Exception {
        enroll(MAC, "Myriad M7", "1001", null);
        try (TestHub.Phone halo = hub.phone(MAC, "Halo H6P")) {
            assertRefused(halo.get(CONFIG), 403, "wrong-model");
        }
    }

    private void enroll(String mac, String model, String extension, String fingerprint) throws Exception {
        String body = "{\"mac\": \"" + mac + "\", \"model\": \"" + model + "\", \"extension\": \"" + extension + "\""
                + (fingerprint == null ? "" : ", \"certificateSha256\": \"" + fingerprint + "\"") + "}";
        ContentResponse response = hub.adminJson("POST", "/admin/v1/devices", body);
        assertEquals(201, response.getStatus(), response.getContentAsString());
    }

    private JsonNode device(String mac) throws Exception {
        ContentResponse response = hub.adminJson("GET", "/admin/v1/devices/" + mac, null);
        assertEquals(200, response.getStatus(), response.getContentAsString());
        return json(response);
    }

    private GenericPhone genericPhone(String subject) throws Exception {
        TestPki.Leaf leaf = TestPki.leaf(subject);
        X509Certificate certificate = leaf.issuedBy(generic);
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
        return new GenericPhone(hub.phone(certificate, leaf.keyPair().getPrivate()), fingerprint);
    }

    private final class GenericPhone {
        final TestHub.Phone client;
        final String fingerprint;

        GenericPhone(TestHub.Phone client, String fingerprint) {
            this.client = client;
            this.fingerprint = fingerprint;
        }

        ContentResponse get(String path) throws Exception {
            return client.get(path);
        }

        ContentResponse post(String path, String json) throws Exception {
            return client.post(path, json);
        }
    }

    private void assertRefused(ContentResponse response, int status, String reason) throws Exception {
        assertEquals(status, response.getStatus(), response.getContentAsString());
        assertEquals(reason, response.getHeaders().get("X-Hub-Reason"));
        assertFalse(response.getContentAsString().contains("password"), "no byte of configuration");
        JsonNode event = auditEvent(reason);
        assertEquals("refused", event.get("outcome").asText());
        assertEquals("device", event.get("actor").asText());
        assertEquals(64, event.get("fingerprint").asText().length(), "the certificate is named");
    }

    private JsonNode auditEvent(String reason) throws Exception {
        return auditEvent(null, reason);
    }

    /** The newest audit event with that action (or any) and reason (or any). */
    private JsonNode auditEvent(String action, String reason) throws Exception {
        JsonNode events = json(hub.adminJson("GET", "/admin/v1/audit?limit=20", null)).get("events");
        for (JsonNode event : events) {
            if ((action == null || action.equals(event.path("action").asText()))
                    && (reason == null || reason.equals(event.path("reason").asText()))) {
                return event;
            }
        }
        throw new AssertionError("no audit event " + action + "/" + reason + " in " + events);
    }

    private static JsonNode json(ContentResponse response) throws Exception {
        return Responses.JSON.readTree(response.getContent());
    }
}
