package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.relay.control.NgClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/hub} as a person runs it, on the jar this build packaged: the commands of the
 * foundation issue, checked with openssl, and a start stopped by SIGTERM.
 */
class HubLauncherIT {

    private static final Path REPOSITORY = HubScript.REPOSITORY;

    @TempDir
    Path dir;

    @Test
    void pkiInitThenADeviceCertificateThatOpensslAccepts() throws Exception {
        Path home = dir.resolve("x");
        Path device = dir.resolve("d");

        Result init = run("scripts/hub", "pki", "init", "--home", home.toString());
        Result issue = run("scripts/hub", "pki", "device-cert", "--home", home.toString(), "--mac",
                "00:80:9f:aa:bb:cc", "--model", "Myriad M7", "--out", device.toString());

        assertEquals(0, init.exitCode, init.output);
        assertEquals(0, issue.exitCode, issue.output);
        Result text = run("openssl", "x509", "-in", device.resolve("cert.pem").toString(), "-noout", "-text");
        assertTrue(text.output.contains("CN = 00809faabbcc"), text.output);
        assertTrue(text.output.contains("TLS Web Client Authentication"), text.output);
        Result verify = run("openssl", "verify", "-CAfile", home.resolve("pki/dev-manufacturer-ca.pem").toString(),
                device.resolve("cert.pem").toString());
        assertEquals(0, verify.exitCode, verify.output);
        assertEquals(device.resolve("cert.pem") + ": OK", verify.output.strip());
        assertEquals("rw-------", mode(device.resolve("key.pem")));
        Result key = run("openssl", "pkey", "-in", device.resolve("key.pem").toString(), "-noout");
        assertEquals(0, key.exitCode, "openssl reads the key: " + key.output);
    }

    @Test
    void theMacGoesInTheSerialNumberOrASanWhenAsked() throws Exception {
        Path home = dir.resolve("x");
        run("scripts/hub", "pki", "init", "--home", home.toString());

        run("scripts/hub", "pki", "device-cert", "--home", home.toString(), "--mac", "00809FAABBCC", "--model",
                "Halo H3P", "--out", dir.resolve("serial").toString(), "--mac-in", "serial");
        run("scripts/hub", "pki", "device-cert", "--home", home.toString(), "--mac", "00809FAABBCC", "--model",
                "Halo H3P", "--out", dir.resolve("san").toString(), "--mac-in", "san");

        String serial = run("openssl", "x509", "-in", dir.resolve("serial/cert.pem").toString(), "-noout", "-subject")
                .output;
        String san = run("openssl", "x509", "-in", dir.resolve("san/cert.pem").toString(), "-noout", "-ext",
                "subjectAltName").output;
        assertTrue(serial.contains("serialNumber = 00809faabbcc"), serial);
        assertTrue(san.contains("URI:urn:dev:mac:00809faabbcc"), san);
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path home = dir.resolve("x");
        run("scripts/hub", "pki", "init", "--home", home.toString());

        Result mac = run("scripts/hub", "pki", "device-cert", "--home", home.toString(), "--mac", "zz:80:9f:aa:bb:cc",
                "--model", "M7", "--out", dir.resolve("d").toString());
        Result again = run("scripts/hub", "pki", "init", "--home", home.toString());

        assertEquals(2, mac.exitCode);
        assertEquals(1, mac.output.strip().lines().count(), mac.output);
        assertTrue(mac.output.contains("malformed MAC address 'zz:80:9f:aa:bb:cc'"), mac.output);
        assertEquals(2, again.exitCode);
        assertEquals("hub: the PKI in " + home.resolve("pki") + " is already initialised; nothing changed",
                again.output.strip());
    }

    @Test
    void startCreatesTheHomeAndStopsCleanlyOnSigterm() throws Exception {
        Path home = dir.resolve("var");
        byte[] caKey = startAndStop(home);
        assertEquals("rw-------", mode(home.resolve("admin-token")));
        assertEquals("rw-------", mode(home.resolve("pki/ca.key")));
        String token = Files.readString(home.resolve("admin-token"));

        byte[] caKeyAfterRestart = startAndStop(home);

        assertArrayEquals(caKey, caKeyAfterRestart, "a restart never replaces the CA key");
        assertEquals(token, Files.readString(home.resolve("admin-token")), "nor the admin token");
    }

    @Test
    void aNewUserBringsTheHubUpAndCurlFetchesAnEnrolledPhonesConfiguration() throws Exception {
        Path home = dir.resolve("var");
        Process hub = HubScript.command("scripts/hub", "start", "--home", home.toString(), "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(),
                StandardCharsets.UTF_8))) {
            String printed = HubScript.untilReady(out);
            String device = url(printed, "device HTTPS (discovery)").replace("/rdd/v1/discovery", "");
            String admin = url(printed, "admin HTTPS (API, metrics)").replace("/admin/v1/devices", "");
            Path phone = dir.resolve("phone");
            assertEquals(0, run("scripts/hub", "pki", "device-cert", "--home", home.toString(), "--mac",
                    "00:80:9f:aa:bb:cc", "--model", "Myriad M7", "--out", phone.toString()).exitCode);
            String token = Files.readString(home.resolve("admin-token")).strip();
            String ca = home.resolve("pki/ca.pem").toString();

            Result enroll = run("curl", "-sS", "--cacert", ca, "-H", "Authorization: Bearer " + token,
                    "-H", "Content-Type: application/json", "-d",
                    "{\"mac\":\"00:80:9f:aa:bb:cc\",\"model\":\"Myriad M7\",\"extension\":\"1001\"}",
                    admin + "/admin/v1/devices");
            Result config = run("curl", "-sS", "--fail", "--cacert", ca, "--cert", phone.resolve("cert.pem").toString(),
                    "--key", phone.resolve("key.pem").toString(), device + "/prov/v1/config/00809faabbcc.xml");

            assertTrue(enroll.output.contains("\"mac\":\"00809faabbcc\""), enroll.output);
            assertEquals(0, config.exitCode, config.output);
            assertTrue(config.output.contains("<deviceConfig mac=\"00809faabbcc\""), config.output);
            assertTrue(config.output.contains("transport=\"tls\""), config.output);
        } finally {
            run("kill", "-TERM", String.valueOf(hub.pid()));
            assertTrue(hub.waitFor(30, TimeUnit.SECONDS));
            hub.destroyForcibly();
        }
    }

    @Test
    void theRelayAloneAnswersTheNgProtocolAndStopsOnSigterm() throws Exception {
        Process relay = HubScript.command("scripts/hub", "relay", "--ng", "127.0.0.1:0", "--bind", "127.0.0.1",
                "--relay-ports", "47000-47099").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                StandardCharsets.UTF_8))) {
            String printed = HubScript.untilReady(out);
            assertTrue(printed.contains("relay ports  udp 127.0.0.1 47000-47099, SDP address 127.0.0.1"), printed);
            int port = Integer.parseInt(printed.lines().filter(l -> l.startsWith("ng control")).findFirst()
                    .orElseThrow().replaceAll(".*:", ""));
            Map<String, Object> plainOffer = Map.of("command", "offer", "call-id", "x", "from-tag", "t",
                    "sdp", "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n");

            try (NgClient ng = new NgClient(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10), 1)) {
                assertEquals("7_1 d6:result4:ponge", new String(ng.exchange("7_1 d7:command4:pinge"
                        .getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII));
                assertEquals(Map.of("result", "error", "error-reason",
                        "SRTP is mandatory: the offer has RTP/AVP audio only"), ng.request(plainOffer));
            }
            assertEquals(0, run("kill", "-TERM", String.valueOf(relay.pid())).exitCode);
            assertTrue(relay.waitFor(30, TimeUnit.SECONDS), "the relay did not stop on SIGTERM");
            assertEquals("relay stopped", out.readLine());
        } finally {
            relay.destroyForcibly();
        }
    }

    private static String url(String printed, String label) {
        return printed.lines().filter(l -> l.strip().startsWith(label)).findFirst()
                .map(l -> l.substring(l.indexOf("https://")).strip())
                .orElseThrow(() -> new AssertionError("no " + label + " in\n" + printed));
    }

    private byte[] startAndStop(Path home) throws Exception {
        Process hub = HubScript.command("scripts/hub", "start", "--home", home.toString(), "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(),
                StandardCharsets.UTF_8))) {
            String printed = HubScript.untilReady(out);
            assertTrue(printed.contains(home.resolve("pki/ca.pem").toString()), printed);
            assertTrue(printed.contains(home.resolve("admin-token").toString()), printed);

            // Not Process.destroy(): it closes our end of the pipes, and the last lines matter here.
            assertEquals(0, run("kill", "-TERM", String.valueOf(hub.pid())).exitCode);
            assertTrue(hub.waitFor(30, TimeUnit.SECONDS), "hub did not stop on SIGTERM");
            List<String> rest = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                rest.add(line);
            }
            assertEquals(List.of("hub stopped"), rest);
        } finally {
            hub.destroyForcibly();
        }
        assertEquals(143, hub.exitValue(), "128 + SIGTERM, after the shutdown ran");
        return Files.readAllBytes(home.resolve("pki/ca.key"));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static Result run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().put("HUB_NO_BUILD", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
