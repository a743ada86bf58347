package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
        ClusterNodes nodes = nodes();
        HubHome homeA = nodes.home("a");
        HubHome homeB = nodes.home("b");
        try (Hub a = nodes.start("a")) {
            nodes.copyHome("a", "b");
            try (Hub b = nodes.start("b")) {
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
        ClusterNodes nodes = nodes();
        HubHome homeA = nodes.home("a");
        nodes.start("a").close();
        HubHome stranger = nodes.home("c");

        UserError refused = assertThrows(UserError.class, () -> nodes.start("c"));

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
        ClusterNodes nodes = nodes();
        nodes.start("a").close();
        nodes.copyHome("a", "d");
        HubHome homeD = nodes.home("d");
        Path key = homeD.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY);
        Files.delete(key);

        UserError refused = assertThrows(UserError.class, () -> nodes.start("d"));

        assertTrue(refused.getMessage().startsWith("node node-d refuses to join the cluster of this database: its "
                + "secrets/ key is not the cluster's (first started by node node-a at "), refused.getMessage());
    }

    private ClusterNodes nodes() {
        return ClusterNodes.onSharedPostgres(dir).tuned(settings -> settings.clusterNames = List.of("eu1.sip.test"));
    }

    private static X509Certificate server(HubHome home) {
        return PemFiles.readCertificate(home.pkiDirectory().resolve(HubPki.SERVER_CERTIFICATE));
    }

    private static Set<String> names(HubHome home) throws Exception {
        return server(home).getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1)))
                .collect(Collectors.toSet());
    }
}
