package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.MacAddress;
import io.hub.pki.RevocationList;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL, a phone registered on node A: what an admin does on node B reaches the
 * phone's flow on A over the cluster's notices. A device disabled on B loses its flow on A; a resync
 * asked on B goes down A's flow and B records the phone's answer; a device revoked in B's PKI is
 * revoked in A's, which takes the phone off; B's admin API lists the phone registered on A.
 */
class ClusterChangesOnPostgresTest {

    private static final String MAC = "00809f000001";
    private static final String AOR = "sip:1001@hub.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Hub a;
    private Hub b;
    private AdminHttp adminB;
    private SipTestClient phone;

    @BeforeEach
    void twoNodesAndAPhoneOnA() throws Exception {
        ClusterNodes nodes = ClusterNodes.onSharedPostgres(dir).tuned(settings -> settings.resyncTimeoutSeconds = 5);
        a = nodes.start("a");
        nodes.copyHome("a", "b");
        b = nodes.start("b");
        adminB = new AdminHttp(b, nodes.home("b").root());
        String password = ClusterNodes.enroll(a, MAC, "1001");
        phone = ClusterNodes.sipClient(a);
        assertEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5;transport=tls>")
                .getStatusCode());
        assertEquals(1, a.sip().location().bindings(AOR).size());
    }

    @AfterEach
    void stop() throws Exception {
        phone.close();
        b.close();
        a.close();
    }

    @Test
    void theAdminApiOfNodeBListsThePhoneRegisteredOnNodeA() throws Exception {
        JsonNode listed = JSON.readTree(adminB.get("/admin/v1/registrations"));

        JsonNode row = listed.at("/registrations/0");
        assertEquals(1, listed.path("registrations").size(), listed.toString());
        assertEquals(AOR, row.path("aor").asText(), listed.toString());
        assertEquals(MAC, row.path("mac").asText());
        assertEquals("node-a", row.path("node").asText());
        assertEquals("elsewhere", row.path("flow").asText());
        assertEquals("listed", listed.path("otherNodes").asText());
    }

    @Test
    void aDeviceDisabledOnNodeBLosesItsFlowOnNodeA() throws Exception {
        assertEquals(200, adminB.send("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"disabled\"}"));

        assertTrue(phone.closedByHub(), "node A closed the phone's flow");
        assertTrue(a.sip().location().bindings(AOR).isEmpty(), "node A took the binding off");
    }

    @Test
    void aResyncAskedOnNodeBGoesDownTheFlowOnNodeAAndBRecordsTheAnswer() throws Exception {
        a.heartbeat().beat();
        b.heartbeat().beat();

        CompletableFuture<HttpResponse<String>> resync = CompletableFuture.supplyAsync(() -> {
            try {
                return adminB.send("POST", "/admin/v1/devices/" + MAC + "/resync", null, null);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        SIPMessage message = phone.readMessage();
        assertTrue(message instanceof SIPRequest && "NOTIFY".equals(((SIPRequest) message).getMethod()),
                message.toString());
        assertEquals("check-sync", message.getHeader("Event").toString().replaceFirst("^Event:\\s*", "").strip());
        phone.write(((SIPRequest) message).createResponse(200).toString());

        JsonNode answer = JSON.readTree(resync.join().body());
        assertEquals("ok", answer.get("outcome").asText(), answer.toString());
        assertEquals(200, answer.get("status").asInt());
    }

    @Test
    void aResyncForAPhoneOnNoNodeIsNoFlowOnceEveryNodeSaidSo() throws Exception {
        b.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000002", "Myriad M7", "1002", "Desk",
                null, null, null, null), "test", "127.0.0.1");
        a.heartbeat().beat();
        b.heartbeat().beat();

        HttpResponse<String> resync = adminB.send("POST", "/admin/v1/devices/00809f000002/resync", null, null);

        assertEquals(409, resync.statusCode(), resync.body());
        assertTrue(resync.body().contains("\"no-flow\""), resync.body());
        JsonNode recorded = JSON.readTree(adminB.get("/admin/v1/devices/00809f000002")).at("/resync");
        assertEquals("no-flow", recorded.path("outcome").asText(), recorded.toString());
        assertEquals("no live flow for sip:1002@hub.test on any node", recorded.path("detail").asText(),
                "every node was asked: " + recorded);
    }

    @Test
    void aDeviceRevokedOnNodeBIsRevokedOnNodeAWhichTakesItsPhoneOff() throws Exception {
        assertTrue(b.pki().revokeMac(MacAddress.parse(MAC), RevocationList.Reason.KEY_COMPROMISE));

        assertTrue(phone.closedByHub(), "node A closed the phone's flow");
        assertTrue(a.pki().revocations().isRevoked(MacAddress.parse(MAC)), "node A's PKI holds the revocation");
        assertTrue(a.sip().location().bindings(AOR).isEmpty(), "node A took the binding off");
    }

}
