package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.pki.MutableClock;
import io.hub.sip.SipTestClient;
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
        ClusterNodes cluster = ClusterNodes.onSharedPostgres(dir);
        String url = cluster.url;
        try (Hub a = cluster.start("a")) {
            cluster.copyHome("a", "b");
            String password = ClusterNodes.enroll(a, "00809f000001", "1001");
            try (SipTestClient phone = ClusterNodes.sipClient(a)) {
                assertEquals(200, phone.registerWithPassword("1001", password, "MD5",
                        "<sip:1001@10.0.0.5;transport=tls>").getStatusCode());
            }
        }
        assertEquals(1, bindingsOf(url, "node-a"), "node A stopped and kept its rows");
        // Node A's last heartbeat is before this instant, and less than 8 s before.
        MutableClock clockB = new MutableClock(Clock.systemUTC().instant());
        try (Hub b = cluster.start("b", clockB)) {
            b.heartbeat().beat();
            assertEquals(1, bindingsOf(url, "node-a"), "node A's heartbeat is still recent");

            clockB.advance(Duration.ofSeconds(9));
            b.heartbeat().beat();

            assertEquals(0, bindingsOf(url, "node-a"));
            JsonNode nodes = JSON.readTree(new AdminHttp(b, cluster.home("b").root()).get("/admin/v1/nodes"))
                    .get("nodes");
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

}
