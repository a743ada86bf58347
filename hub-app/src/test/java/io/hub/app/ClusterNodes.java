package io.hub.app;

import io.hub.app.node.NodeInit;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The nodes of one cluster in a test: one new database on the shared PostgreSQL, and a home per node
 * under a directory: node {@code "a"} lives in {@code dir/a} and is named {@code node-a}. Every node
 * listens on loopback with free ports, SIP domain {@code hub.test}.
 */
final class ClusterNodes {

    /** The cluster's database. */
    final String url;
    private final Path dir;
    private final Consumer<HubSettings> tuning;

    private ClusterNodes(String url, Path dir, Consumer<HubSettings> tuning) {
        this.url = url;
        this.dir = dir;
        this.tuning = tuning;
    }

    /** A cluster on a new database of the shared PostgreSQL. */
    static ClusterNodes onSharedPostgres(Path dir) {
        return on(TestPostgres.shared().newDatabase(), dir);
    }

    static ClusterNodes on(String url, Path dir) {
        return new ClusterNodes(url, dir, settings -> { });
    }

    /** These nodes with {@code tuning} applied to every node's settings. */
    ClusterNodes tuned(Consumer<HubSettings> tuning) {
        return new ClusterNodes(url, dir, tuning);
    }

    HubHome home(String node) {
        return new HubHome(dir.resolve(node));
    }

    Hub start(String node) {
        return start(node, Clock.systemUTC());
    }

    Hub start(String node, Clock clock) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        settings.databaseUrl = url;
        settings.nodeName = "node-" + node;
        tuning.accept(settings);
        return Hub.start(home(node), settings.validate(), clock);
    }

    /** Makes node {@code to}'s home from node {@code from}'s, as {@code hub node init --from} does. */
    void copyHome(String from, String to) {
        NodeInit.copy(home(from), home(to));
    }

    /** Enrolls a Myriad M7 with {@code extension} on {@code node} and returns its SIP password. */
    static String enroll(Hub node, String mac, String extension) {
        node.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", extension, "Desk", null,
                null, null, null), "test", "127.0.0.1");
        return node.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword();
    }

    /** A SIP-TLS client of {@code node} that trusts its hub CA. */
    static SipTestClient sipClient(Hub node) throws Exception {
        return SipTestClient.tls(node.sip().tlsPort(),
                PemFiles.readCertificate(node.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null);
    }
}
