package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.app.node.NodeInit;
import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on one PostgreSQL: a node whose home was made from the first one's joins, with a server
 * certificate of its own that covers the region's names and every node's; a node with another PKI, or
 * with other secrets, refuses to start and says which.
 */
class ClusterJoinOnPostgresTest {

    @TempDir
    Path dir;

    @Test
    void aNodeMadeFromTheFirstJoinsAndEveryCertificateCoversEveryNodesName() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        HubHome homeA = new HubHome(dir.resolve("a"));
        HubHome homeB = new HubHome(dir.resolve("b"));
        try (Hub a = Hub.start(homeA, settings(url, "node-a"), Clock.systemUTC())) {
            NodeInit.copy(homeA, homeB);
            try (Hub b = Hub.start(homeB, settings(url, "node-b"), Clock.systemUTC())) {
                assertTrue(names(homeB).containsAll(List.of("node-a", "node-b", "eu1.sip.test")), names(homeB)
                        .toString());
                assertNotEquals(server(homeA).getPublicKey(), server(homeB).getPublicKey(),
                        "each node has its own server key");

                a.heartbeat().beat();

                assertTrue(names(homeA).containsAll(List.of("node-a", "node-b", "eu1.sip.test")), names(homeA)
                        .toString());
            }
        }
    }

    @Test
    void aNodeWithAnotherPkiRefusesToJoinAndSaysWhy() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        HubHome homeA = new HubHome(dir.resolve("a"));
        Hub.start(homeA, settings(url, "node-a"), Clock.systemUTC()).close();
        HubHome stranger = new HubHome(dir.resolve("c"));

        UserError refused = assertThrows(UserError.class, () -> Hub.start(stranger, settings(url, "node-c"),
                Clock.systemUTC()));

        String ours = Fingerprints.sha256(PemFiles.readCertificate(stranger.pkiDirectory().resolve("ca.pem")));
        String cluster = Fingerprints.sha256(PemFiles.readCertificate(homeA.pkiDirectory().resolve("ca.pem")));
        assertTrue(refused.getMessage().startsWith("node node-c refuses to join the cluster of this database: its hub "
                + "CA (pki/ca.pem) has fingerprint " + ours + ", the cluster's (first started by node node-a at "),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith(") is " + cluster + "; phones and the other nodes would not trust "
                + "it. Make this home from a node of the cluster: hub node init --from THAT_HOME"), refused.getMessage());
    }

    @Test
    void aNodeWithTheClustersPkiButOtherSecretsRefusesToJoin() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        HubHome homeA = new HubHome(dir.resolve("a"));
        Hub.start(homeA, settings(url, "node-a"), Clock.systemUTC()).close();
        HubHome homeD = new HubHome(dir.resolve("d"));
        NodeInit.copy(homeA, homeD);
        Path key = homeD.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY);
        Files.delete(key);

        UserError refused = assertThrows(UserError.class, () -> Hub.start(homeD, settings(url, "node-d"),
                Clock.systemUTC()));

        assertTrue(refused.getMessage().startsWith("node node-d refuses to join the cluster of this database: its "
                + "secrets/ key is not the cluster's (first started by node node-a at "), refused.getMessage());
    }

    private static HubSettings settings(String url, String node) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.databaseUrl = url;
        settings.nodeName = node;
        settings.clusterNames = List.of("eu1.sip.test");
        return settings.validate();
    }

    private static X509Certificate server(HubHome home) {
        return PemFiles.readCertificate(home.pkiDirectory().resolve(HubPki.SERVER_CERTIFICATE));
    }

    private static Set<String> names(HubHome home) throws Exception {
        return server(home).getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1)))
                .collect(Collectors.toSet());
    }
}
