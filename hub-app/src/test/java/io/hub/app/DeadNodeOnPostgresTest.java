package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.app.node.NodeInit;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.MutableClock;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that stops without a word (its heartbeat stops, its rows stay): once its heartbeat is 8 s
 * old, the next heartbeat of a node that is up lists it gone and forgets its phones' bindings. Node B's
 * clock is moved, not waited for.
 */
class DeadNodeOnPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBindingsOfANodeWhoseHeartbeatStoppedAreForgottenAtTheNextHeartbeatOfAnother() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        HubHome homeA = new HubHome(dir.resolve("a"));
        HubHome homeB = new HubHome(dir.resolve("b"));
        try (Hub a = Hub.start(homeA, settings(url, "node-a"), Clock.systemUTC())) {
            NodeInit.copy(homeA, homeB);
            a.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000001", "Myriad M7", "1001",
                    "Desk", null, null, null, null), "test", "127.0.0.1");
            String password = a.provisioning().enrollment().find("default", MacAddress.parse("00809f000001"))
                    .sipPassword();
            try (SipTestClient phone = SipTestClient.tls(a.sip().tlsPort(),
                    PemFiles.readCertificate(a.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null)) {
                assertEquals(200, phone.registerWithPassword("1001", password, "MD5",
                        "<sip:1001@10.0.0.5;transport=tls>").getStatusCode());
            }
        }
        assertEquals(1, bindingsOf(url, "node-a"), "node A stopped and kept its rows");
        // Node A's last heartbeat is before this instant, and less than 8 s before.
        MutableClock clockB = new MutableClock(Clock.systemUTC().instant());
        try (Hub b = Hub.start(homeB, settings(url, "node-b"), clockB)) {
            b.heartbeat().beat();
            assertEquals(1, bindingsOf(url, "node-a"), "node A's heartbeat is still recent");

            clockB.advance(Duration.ofSeconds(9));
            b.heartbeat().beat();

            assertEquals(0, bindingsOf(url, "node-a"));
            JsonNode nodes = JSON.readTree(new AdminHttp(b, homeB.root()).get("/admin/v1/nodes")).get("nodes");
            assertEquals("node-a", nodes.get(0).get("name").asText());
            assertEquals("gone", nodes.get(0).get("state").asText(), nodes.toString());
            assertEquals("up", nodes.get(1).get("state").asText(), nodes.toString());
        }
    }

    private static int bindingsOf(String url, String node) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT COUNT(*) FROM sip_binding WHERE node = '" + node + "'")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static HubSettings settings(String url, String node) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        settings.databaseUrl = url;
        settings.nodeName = node;
        return settings.validate();
    }
}
