package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.location.Binding;
import io.hub.sip.transport.Flow;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linphonec registers over TLS (to "localhost": its TLS library ignores IP SANs) with the password
 * the hub provisioned, and keeps its connection alive with CRLF keepalives.
 */
class LinphoneInteropIT {

    @TempDir
    Path dir;

    /** PulseAudio leaves links to its runtime directory in HOME; they are not ours to follow on cleanup. */
    private static void removeLinks(Path home) throws java.io.IOException {
        try (var files = Files.walk(home)) {
            for (Path file : files.filter(Files::isSymbolicLink).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void linphoneRegistersOverTlsAndKeepsItsConnection() throws Exception {
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(),
                Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft("00809faabbcc", "Halo H6P", "1002", "Lab", null, null, null,
                    null), "test", "127.0.0.1");
            String password = enrollment.find("default", MacAddress.parse("00809faabbcc")).sipPassword();
            Files.createDirectories(dir.resolve("home/.local/share/linphone"));
            Path rc = dir.resolve("linphonerc");
            Files.writeString(rc, String.join("\n",
                    "[sip]",
                    "sip_port=-1",
                    "sip_tcp_port=-1",
                    "sip_tls_port=-1",
                    "default_proxy=0",
                    "keepalive_period=2000",
                    "root_ca=" + hub.pki().file(HubPki.HUB_CA_CERTIFICATE),
                    "verify_server_certs=1",
                    "verify_server_cn=1",
                    "[auth_info_0]",
                    "username=1002",
                    "passwd=" + password,
                    "realm=localhost",
                    "domain=localhost",
                    "[proxy_0]",
                    "reg_proxy=<sip:localhost:" + hub.sip().tlsPort() + ";transport=tls>",
                    "reg_identity=\"Lab\" <sip:1002@localhost>",
                    "reg_expires=600",
                    "reg_sendregister=1",
                    "publish=0", ""));
            ProcessBuilder builder = new ProcessBuilder("linphonec", "-c", rc.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("linphone.log").toFile());
            builder.environment().put("HOME", dir.resolve("home").toString());
            Process linphone = builder.start();
            try (OutputStream commands = linphone.getOutputStream()) {
                // linphonec only runs its core between lines of input; feed it one a second.
                Binding binding = null;
                for (int i = 0; i < 30 && binding == null; i++) {
                    commands.write("status register\n".getBytes(StandardCharsets.US_ASCII));
                    commands.flush();
                    Thread.sleep(1000);
                    List<Binding> bindings = hub.sip().location().bindings("sip:1002@localhost");
                    binding = bindings.isEmpty() || !bindings.get(0).hasFlow() ? null : bindings.get(0);
                }
                assertNotNull(binding, "linphone did not register: " + Files.readString(dir.resolve("linphone.log")));
                Flow flow = hub.sip().location().flow(binding).orElseThrow();
                for (int i = 0; i < 20 && flow.lastKeepalive() == null; i++) {
                    commands.write("status register\n".getBytes(StandardCharsets.US_ASCII));
                    commands.flush();
                    Thread.sleep(1000);
                }

                assertNotNull(flow.lastKeepalive(), "linphone sent CRLF keepalives");
                assertTrue(flow.isOpen());
                assertEquals(flow.id(), hub.sip().location().bindings("sip:1002@localhost").get(0).flowId());
                commands.write("quit\n".getBytes(StandardCharsets.US_ASCII));
                commands.flush();
            } finally {
                linphone.waitFor(10, TimeUnit.SECONDS);
                linphone.destroyForcibly();
                removeLinks(dir.resolve("home"));
            }
        }
    }
}
