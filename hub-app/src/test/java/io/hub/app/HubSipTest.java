package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provisioned phone registers over SIP-TLS with the credentials its configuration carries. */
class HubSipTest {

    @TempDir
    Path dir;

    @Test
    void anEnrolledPhoneRegistersWithItsProvisionedPassword() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft("00809faabbcc", "Myriad M7", "1001", "Desk", null, null,
                    null, null), "test", "127.0.0.1");
            enrollment.enroll("default", new DeviceDraft("00809f000002", "Myriad M7", null, null, null, null, null,
                    null), "test", "127.0.0.1");
            String password = enrollment.find("default", MacAddress.parse("00809faabbcc")).sipPassword();

            try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(),
                    PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null)) {
                assertEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5>")
                        .getStatusCode());
                assertEquals(403, phone.registerWithPassword("1001", "not-it", "MD5", "<sip:1001@10.0.0.5>")
                        .getStatusCode());
                assertEquals(404, phone.registerWithPassword("1999", password, "MD5", "<sip:1999@10.0.0.5>")
                        .getStatusCode(), "an unassigned phone has no AOR");
            }
            assertEquals(1, hub.sip().location().bindings("sip:1001@hub.test").size());

            AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
            String registrations = admin.get("/admin/v1/registrations");
            assertTrue(registrations.contains("\"aor\":\"sip:1001@hub.test\""), registrations);
            assertTrue(registrations.contains("\"mac\":\"00809faabbcc\""), registrations);
            assertTrue(registrations.contains("\"cipher\":\"TLS_AES_"), registrations);
            String audit = admin.get("/admin/v1/audit?limit=5");
            assertTrue(audit.contains("\"reason\":\"wrong-password\""), "auth failures are audited: " + audit);
            String metrics = admin.get("/metrics");
            assertTrue(metrics.contains("hub_sip_register_total{outcome=\"ok\"} 1.0"), metrics);
            assertTrue(metrics.contains("hub_sip_register_total{outcome=\"wrong-password\"} 1.0"), metrics);
            assertTrue(metrics.contains("hub_sip_bindings 1.0"), metrics);
        }
    }
}
