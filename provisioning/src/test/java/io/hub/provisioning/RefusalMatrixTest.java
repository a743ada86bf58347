package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.CertificateAuthority;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.MacPlacement;
import io.hub.pki.MacRule;
import io.hub.pki.PemFiles;
import io.hub.pki.RevocationList;
import io.hub.pki.TestPki;
import io.hub.provisioning.http.Responses;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/**
 * Every way a phone can be refused over HTTPS: its status, its reason, its audit record, and never
 * a byte of configuration.
 */
class RefusalMatrixTest extends OnePhoneHubTest {

    @Test
    void noClientCertificate() throws Exception {
        ContentResponse response = hub.anonymousAdminClient().GET(hub.deviceUrl(CONFIG));

        assertRefused(response, 403, "no-certificate", null);
    }

    @Test
    void aCertificateFromAnUnknownCa() throws Exception {
        CertificateAuthority stranger = TestPki.root("CN=Stranger CA,O=Stranger");
        TestPki.Leaf leaf = TestPki.leaf("CN=" + MAC + ",OU=Myriad M7");

        assertRefused(get(leaf.issuedBy(stranger), leaf, CONFIG), 403, "unknown-issuer", MAC);
        assertEquals(0.0, keptValidations(), "a refused certificate is never kept");
    }

    @Test
    void anExpiredCertificate() throws Exception {
        DeviceCertificates.IssuedCertificate expired = DeviceCertificates.issue(hub.pki.devManufacturerCa(),
                new DeviceCertificateRequest(MacAddress.parse(MAC), "Myriad M7", MacPlacement.CN, Duration.ofDays(1),
                        Optional.of(Instant.now().minus(Duration.ofDays(10))), KeyType.EC_P256), Clock.systemUTC());

        assertRefused(get(expired, CONFIG), 403, "expired", MAC);
    }

    @Test
    void aRevokedCertificate() throws Exception {
        DeviceCertificates.IssuedCertificate phone = issue(MAC);
        hub.pki.revokeCertificate(phone.certificate(), RevocationList.Reason.KEY_COMPROMISE);

        assertRefused(get(phone, CONFIG), 403, "revoked", MAC);
    }

    @Test
    void aCertificateRevokedWhileItsConnectionIsKeptIsRefusedOnItsNextRequest() throws Exception {
        DeviceCertificates.IssuedCertificate phone = issue(MAC);
        try (TestHub.Phone client = hub.phone(phone.certificate(), phone.keys().getPrivate())) {
            assertEquals(200, client.get(CONFIG).getStatus());
            assertEquals(200, client.get(CONFIG).getStatus());
            assertEquals(1.0, keptValidations(), "the accepted certificate is kept once, not per request");

            hub.pki.revokeCertificate(phone.certificate(), RevocationList.Reason.KEY_COMPROMISE);

            assertRefused(client.get(CONFIG), 403, "revoked", MAC);
            assertEquals(0.0, keptValidations(), "the revoked certificate's verdict is dropped");
        }
    }

    @Test
    void aCertificateForAnotherMacThanThePath() throws Exception {
        DeviceCertificates.IssuedCertificate other = issue("00809f000001");

        assertRefused(get(other, CONFIG), 403, "mac-mismatch", MAC);
    }

    @Test
    void aGenericCaCertificateForAnUnenrolledMac() throws Exception {
        CertificateAuthority generic = TestPki.root("CN=Generic Phones CA,O=Generic");
        Path file = home.resolve("generic.pem");
        PemFiles.writeCertificates(file, List.of(generic.certificate()));
        hub.pki.trust(file, Optional.of("generic"), MacRule.CN, true);
        TestPki.Leaf leaf = TestPki.leaf("CN=Some Phone,O=Generic");

        ContentResponse response = get(leaf.issuedBy(generic), leaf, "/prov/v1/config/00809f0000ff.xml");

        assertRefused(response, 404, "not-enrolled", "00809f0000ff");
        JsonNode claimable = Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/devices/claimable", null)
                .getContent());
        assertEquals(0, claimable.get("devices").size(), "a generic certificate proves no MAC to claim");
    }

    @Test
    void aDisabledDevice() throws Exception {
        DeviceCertificates.IssuedCertificate phone = issue(MAC);
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"disabled\"}").getStatus());

        assertRefused(get(phone, CONFIG), 403, "disabled", MAC);
        assertRefused(get(phone, "/rdd/v1/discovery"), 403, "disabled", MAC);
    }

    @Test
    void refusalsFromOneAddressAreRateLimited() throws Exception {
        DeviceCertificates.IssuedCertificate other = issue("00809f000001");
        try (TestHub.Phone prober = hub.phone(other.certificate(), other.keys().getPrivate())) {
            int limited = 0;
            String retryAfter = null;
            for (int i = 0; i < 40 && limited == 0; i++) {
                ContentResponse response = prober.get("/prov/v1/config/00809f" + String.format("%06x", i) + ".xml");
                if (response.getStatus() == 429) {
                    limited++;
                    retryAfter = response.getHeaders().get("Retry-After");
                }
            }
            assertEquals(1, limited, "probing MACs with one certificate ends in 429");
            assertTrue(Integer.parseInt(retryAfter) >= 1, retryAfter);
        }
        // Each limit's table is a metric: one source and one certificate probed.
        assertEquals(1.0, rateKeys("requests-per-source"));
        assertEquals(1.0, rateKeys("refusals-per-source"));
        assertEquals(1.0, rateKeys("refusals-per-certificate"));
    }

    private double rateKeys(String limit) {
        return hub.metrics.get("hub.http.rate.keys").tags("port", "device", "limit", limit).gauge().value();
    }

    private double keptValidations() {
        return hub.metrics.get("hub.device.validations.kept").gauge().value();
    }

    private DeviceCertificates.IssuedCertificate issue(String mac) {
        return DeviceCertificates.issue(hub.pki.devManufacturerCa(),
                DeviceCertificateRequest.of(MacAddress.parse(mac), "Myriad M7"), Clock.systemUTC());
    }

    private ContentResponse get(DeviceCertificates.IssuedCertificate phone, String path) throws Exception {
        try (TestHub.Phone client = hub.phone(phone.certificate(), phone.keys().getPrivate())) {
            return client.get(path);
        }
    }

    private ContentResponse get(java.security.cert.X509Certificate certificate, TestPki.Leaf leaf, String path)
            throws Exception {
        try (TestHub.Phone client = hub.phone(certificate, leaf.keyPair().getPrivate())) {
            return client.get(path);
        }
    }

    private void assertRefused(ContentResponse response, int status, String reason, String mac) throws Exception {
        assertEquals(status, response.getStatus(), response.getContentAsString());
        assertEquals(reason, response.getHeaders().get("X-Hub-Reason"));
        assertTrue(response.getContentAsString().contains("<error reason=\"" + reason + "\">"),
                response.getContentAsString());
        assertFalse(response.getContentAsString().contains("deviceConfig"), "no byte of configuration");
        JsonNode events = Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/audit?limit=5", null).getContent())
                .get("events");
        JsonNode refusal = null;
        for (JsonNode event : events) {
            if (reason.equals(event.path("reason").asText())) {
                refusal = event;
                break;
            }
        }
        assertTrue(refusal != null, "no audit record with reason " + reason + " in " + events);
        assertEquals("refused", refusal.get("outcome").asText());
        assertEquals("127.0.0.1", refusal.get("sourceIp").asText());
        assertEquals("device", refusal.get("actor").asText());
        if (mac != null) {
            assertEquals(mac, refusal.get("mac").asText());
        }
        if (!reason.equals("no-certificate")) {
            assertEquals(64, refusal.get("fingerprint").asText().length(), "the certificate is named");
        }
    }
}
