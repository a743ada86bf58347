package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a running hub, after a phone booted and registered: every metric family has
 * a HELP text that says more than its name, and the resync and DTLS handshake outcomes and the web
 * port's refusals are there from the start.
 */
class MetricsHelpTest {

    @TempDir
    Path dir;

    private Hub hub;

    @BeforeEach
    void start() {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void everyMetricHasAHelpText() throws Exception {
        CommandLineRun fleet = CommandLineRun.hub("phone", "fleet", "--enroll", "--home", dir.resolve("var").toString(),
                "--admin-url", "https://127.0.0.1:" + hub.provisioning().adminPort() + "/", "--hub",
                "https://localhost:" + hub.provisioning().devicePort(), "--count", "1", "--rate", "20",
                "--first-mac", "00809f400001", "--cert-dir", dir.resolve("certs").toString(), "--attempts", "1");
        assertEquals(0, fleet.exitCode(), fleet.out() + fleet.err());

        String scrape = new AdminHttp(hub, dir.resolve("var")).get("/metrics");

        Map<String, String> help = new HashMap<>();
        List<String> families = new ArrayList<>();
        for (String line : scrape.lines().toList()) {
            String[] parts = line.split(" ", 4);
            if (line.startsWith("# HELP ")) {
                help.put(parts[2], parts.length > 3 ? parts[3].strip() : "");
            } else if (line.startsWith("# TYPE ")) {
                families.add(parts[2]);
            }
        }
        assertTrue(families.size() > 10, scrape);
        for (String family : families) {
            String text = help.getOrDefault(family, "");
            assertTrue(!text.isEmpty() && !text.equals(family) && !text.replace(' ', '_').equals(family),
                    family + " has no HELP text: '" + text + "'");
        }
        for (String outcome : List.of("ok", "no-flow", "timeout", "refused")) {
            assertTrue(scrape.contains("hub_resync_total{outcome=\"" + outcome + "\"}"), outcome + ": " + scrape);
        }
        // The DTLS-SRTP legs' meters are there from the start, each outcome at zero.
        for (String outcome : List.of("ok", "fingerprint_mismatch", "timeout")) {
            assertTrue(scrape.contains("hub_relay_dtls_handshakes_total{outcome=\"" + outcome + "\"}"),
                    outcome + ": " + scrape);
        }
        assertTrue(families.contains("hub_relay_dtls_handshake_time_seconds"), scrape);
        // So are the web port's refusals, each reason at zero, and a DTLS 1.3-only client's outcome.
        for (String reason : List.of("per-source", "connections", "handshake-timeout", "register-deadline")) {
            assertTrue(scrape.contains("hub_web_refused_total{reason=\"" + reason + "\"}"), reason + ": " + scrape);
        }
        assertTrue(scrape.contains("hub_relay_dtls_handshakes_total{outcome=\"unsupported_version\"}"), scrape);
        assertTrue(families.stream().anyMatch(f -> f.startsWith("hub_sip_register")), scrape);
        assertTrue(families.stream().anyMatch(f -> f.startsWith("hub_device_requests")), scrape);
    }
}
