package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.sip.SipTestClient;
import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes' notices outlive a database restart: each node listens again once PostgreSQL is back,
 * without a restart of its own, and a device disabled on node B then still loses its flow on node A.
 */
class ClusterNoticesRecoveryOnPostgresTest {

    private static final String MAC = "00809f000001";

    @TempDir
    Path dir;

    @Test
    void afterADatabaseRestartADeviceDisabledOnNodeBStillLosesItsFlowOnNodeA() throws Exception {
        try (TestPostgres cluster = TestPostgres.start()) {
            ClusterNodes nodes = ClusterNodes.on(cluster.newDatabase(), dir);
            try (Hub a = nodes.start("a")) {
                nodes.copyHome("a", "b");
                try (Hub b = nodes.start("b")) {
                    String password = ClusterNodes.enroll(a, MAC, "1001");
                    try (SipTestClient phone = ClusterNodes.sipClient(a)) {
                        assertEquals(200, phone.registerWithPassword("1001", password, "MD5",
                                "<sip:1001@10.0.0.5;transport=tls>").getStatusCode());
                        int listensA = a.notices().listens();
                        int listensB = b.notices().listens();

                        cluster.stop();
                        cluster.resume();

                        assertTrue(a.notices().awaitListens(listensA + 1, Duration.ofSeconds(30)), "A listens again");
                        assertTrue(b.notices().awaitListens(listensB + 1, Duration.ofSeconds(30)), "B listens again");
                        assertEquals(200, disable(new AdminHttp(b, nodes.home("b").root())));
                        assertTrue(phone.closedByHub(), "node A closed the phone's flow");
                        assertTrue(a.sip().location().bindings("sip:1001@hub.test").isEmpty());
                    }
                }
            }
        }
    }

    /** The pool replaces the connections the restart cut as they are borrowed: a few attempts bound it. */
    private static int disable(AdminHttp admin) throws Exception {
        int status = 0;
        for (int attempt = 0; attempt < 5 && status != 200; attempt++) {
            status = admin.send("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"disabled\"}");
        }
        return status;
    }

}
