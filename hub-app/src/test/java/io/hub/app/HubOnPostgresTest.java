package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.phone.Phone;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import io.hub.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import javax.sip.header.RetryAfterHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole hub with its tables in PostgreSQL: a phone boots (discovery, configuration) and
 * registers, its rows are in PostgreSQL; and while the database is down the hub answers 503 with
 * Retry-After, keeps the registered phone's flow answering pings, and serves again once the
 * database is back, without a restart.
 */
class HubOnPostgresTest {

    private static final String MAC = "00809f000001";

    @TempDir
    Path dir;

    @Test
    void aPhoneBootsAndRegistersOnAHubWhoseTablesAreInPostgres() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.databaseUrl = url;
        settings.nodeName = "eu1-a";
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            hub.provisioning().enrollment().enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk",
                    null, null, null, null), "test", "127.0.0.1");
            try (EmulatedPhone phone = EmulatedPhone.booted(hub, MAC, Clock.systemUTC(), new Phone.Listener() {
                    });
                    Connection connection = DriverManager.getConnection(url);
                    Statement sql = connection.createStatement()) {
                assertEquals(1, phone.phone().configFetches());
                assertEquals(1, hub.sip().location().bindings("sip:1001@localhost").size());
                assertEquals(MAC, single(sql, "SELECT mac FROM device"));
                assertEquals("sip:1001@localhost", single(sql, "SELECT aor FROM sip_binding"));
                assertEquals("eu1-a", single(sql, "SELECT name FROM hub_node"));
            }
        }
        assertTrue(!dir.resolve("var").resolve("db").toFile().exists()
                || dir.resolve("var").resolve("db").toFile().list().length == 0, "no H2 file beside PostgreSQL");
    }

    @Test
    void whileTheDatabaseIsDownRequestsGet503AndTheHubRecoversWhenItReturns() throws Exception {
        try (TestPostgres cluster = TestPostgres.start()) {
            HubSettings settings = TestSettings.ephemeralPorts();
            settings.sipDomain = "hub.test";
            settings.databaseUrl = cluster.newDatabase();
            try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
                hub.provisioning().enrollment().enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk",
                        null, null, null, null), "test", "127.0.0.1");
                String password = hub.provisioning().enrollment().find("default", MacAddress.parse(MAC)).sipPassword();
                AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
                try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(),
                        PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null)) {
                    assertEquals(200, phone.registerWithPassword("1001", password, "MD5",
                            "<sip:1001@10.0.0.5;transport=tls>").getStatusCode());

                    cluster.stop();

                    HttpResponse<String> refused = admin.send("GET", "/admin/v1/devices", null, null);
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertEquals(Optional.of("5"), refused.headers().firstValue("Retry-After"));
                    assertTrue(refused.body().contains("\"error\":\"storage-unavailable\""), refused.body());
                    phone.write("\r\n\r\n");
                    assertEquals("\r\n", phone.readRaw(2), "the registered phone's flow still answers pings");
                    SIPResponse register = phone.registerWithPassword("1001", password, "MD5",
                            "<sip:1001@10.0.0.5;transport=tls>");
                    assertEquals(503, register.getStatusCode(), register.toString());
                    assertEquals(5, ((RetryAfterHeader) register.getHeader("Retry-After")).getRetryAfter());
                    assertEquals(1, hub.sip().location().bindings("sip:1001@hub.test").size(),
                            "the binding held is kept");

                    cluster.resume();

                    assertEquals(200, firstAnswerBesides503(admin, settings.databasePoolSize + 1),
                            "served again without a restart");
                    assertEquals(200, phone.registerWithPassword("1001", password, "MD5",
                            "<sip:1001@10.0.0.5;transport=tls>").getStatusCode());
                }
            }
        }
    }

    /**
     * The first answer that is not 503: the pool's dead connections are replaced as they are borrowed,
     * each attempt waiting at most the pool's connection wait; a few attempts bound it.
     */
    /**
     * The first status that is not 503, in at most {@code attempts} requests. Each connection the
     * pool held when the database went away fails once before the pool drops it (one used in the
     * last half second is handed out unchecked), so one more attempt than the pool holds suffices.
     */
    private static int firstAnswerBesides503(AdminHttp admin, int attempts) throws Exception {
        int status = 0;
        for (int attempt = 0; attempt < attempts; attempt++) {
            status = admin.send("GET", "/admin/v1/devices", null, null).statusCode();
            if (status != 503) {
                return status;
            }
        }
        return status;
    }

    private static String single(Statement sql, String query) throws Exception {
        try (ResultSet row = sql.executeQuery(query)) {
            assertTrue(row.next(), query);
            String value = row.getString(1);
            assertTrue(!row.next(), "one row: " + query);
            return value;
        }
    }
}
