package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.pki.RevocationList;
import io.hub.pki.TestPki;
import io.hub.pki.ServerTls;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.provisioning.devices.Enrollment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub phone} against a real hub on loopback: a boot through every step (firmware update
 * included), a small fleet, registration alone, and what a phone prints when the hub refuses its
 * certificate, is down, or stalls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhoneEmulatorIT {

    private Path dir;
    private Hub hub;
    private Path home;
    private String hubUrl;
    private Enrollment enrollment;

    @BeforeAll
    void startHub(@TempDir Path temporary) {
        dir = temporary;
        home = dir.resolve("var");
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipKeepaliveSeconds = 5;
        hub = Hub.start(new HubHome(home), settings.validate(), Clock.systemUTC());
        hubUrl = "https://localhost:" + hub.provisioning().devicePort();
        enrollment = hub.provisioning().enrollment();
    }

    @AfterAll
    void stopHub() {
        hub.close();
    }

    private void enroll(String mac, String extension) {
        enrollment.enroll("default", new DeviceDraft(mac, "Myriad M7", extension, null, null, null, null, null),
                "test", "127.0.0.1");
    }

    private CommandLineRun phone(String... args) {
        List<String> all = new ArrayList<>(List.of("phone"));
        all.add(args[0]);
        all.addAll(List.of("--home", home.toString(), "--hub", hubUrl));
        all.addAll(List.of(args).subList(1, args.length));
        return CommandLineRun.hub(all.toArray(String[]::new));
    }

    private String[] admin() {
        return new String[] {"--home", home.toString(), "--admin-url",
                "https://127.0.0.1:" + hub.provisioning().adminPort() + "/"};
    }

    @Test
    void aBootTakesEveryStepUpdatesItsFirmwareAndRegistersWithOutbound() throws Exception {
        enroll("00809faabbcc", "1001");
        Path image = dir.resolve("image.bin");
        Files.write(image, new byte[200_000]);
        List<String> upload = new ArrayList<>(List.of("firmware", "upload"));
        upload.addAll(List.of(admin()));
        upload.addAll(List.of("--model", "Myriad M7", "--version", "2.0.0", image.toString()));
        assertEquals(0, CommandLineRun.hub(upload.toArray(String[]::new)).exitCode());
        List<String> target = new ArrayList<>(List.of("firmware", "target"));
        target.addAll(List.of(admin()));
        target.addAll(List.of("--model", "Myriad M7", "--version", "2.0.0"));
        assertEquals(0, CommandLineRun.hub(target.toArray(String[]::new)).exitCode());

        CommandLineRun run = phone("boot", "--mac", "00:80:9f:aa:bb:cc", "--hold", "6");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        String out = run.out();
        for (String step : List.of("certificate", "discovery", "config", "firmware", "status", "register",
                "keepalive")) {
            assertTrue(out.contains("\n  " + step), step + " is printed:\n" + out);
        }
        assertTrue(out.contains("1.0.0 -> 2.0.0, 200000 bytes, sha-256 verified"), out);
        assertTrue(out.contains("1001@localhost via localhost:" + hub.sip().tlsPort()), out);
        assertTrue(out.contains("outbound flow-timer 5 s"), "the phone keeps to the registrar's Flow-Timer:\n" + out);
        assertTrue(out.lines().filter(line -> line.contains("keepalive") && line.contains("pong")).count() >= 2,
                "keepalives at the configured 5 s while held:\n" + out);
        assertTrue(hub.sip().location().bindings("sip:1001@localhost").isEmpty(),
                "the phone removed its binding when it stopped");
        List<String> show = new ArrayList<>(List.of("device", "show"));
        show.addAll(List.of(admin()));
        show.add("00809faabbcc");
        assertTrue(CommandLineRun.hub(show.toArray(String[]::new)).out().contains("2.0.0"),
                "the status report names the new firmware");
    }

    @Test
    void refusedCertificatesEndTheBootWithTheHubsReason() throws Exception {
        enroll("00809f000002", "1002");
        hub.pki().revokeMac(MacAddress.parse("00809f000002"), RevocationList.Reason.KEY_COMPROMISE);
        CommandLineRun revoked = phone("boot", "--mac", "00809f000002");
        assertEquals(1, revoked.exitCode(), revoked.out());
        assertTrue(revoked.err().contains("phone 00809f000002 failed at discovery: 403 revoked"), revoked.err());

        CommandLineRun unknown = phone("boot", "--mac", "00809f000003");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("failed at discovery: 404 not-enrolled"), unknown.err());

        enroll("00809f000004", "1004");
        Path certificates = dir.resolve("foreign");
        CertificateAuthority stranger = TestPki.root("CN=Stranger Phones CA, O=Stranger");
        TestPki.Leaf leaf = TestPki.leaf("CN=00809f000004, OU=Myriad M7, O=Stranger")
                .purposes(KeyPurposeId.id_kp_clientAuth);
        Files.createDirectories(certificates.resolve("00809f000004"));
        PemFiles.writeCertificates(certificates.resolve("00809f000004/cert.pem"), List.of(leaf.issuedBy(stranger)));
        PemFiles.writePrivateKey(certificates.resolve("00809f000004/key.pem"), leaf.keyPair().getPrivate());
        CommandLineRun foreign = phone("boot", "--mac", "00809f000004", "--cert-dir", certificates.toString());
        assertEquals(1, foreign.exitCode());
        assertTrue(foreign.out().contains("loaded from " + certificates.resolve("00809f000004")), foreign.out());
        assertTrue(foreign.err().contains("failed at discovery: 403 unknown-issuer"), foreign.err());

        enroll("00809f000005", null);
        CommandLineRun unassigned = phone("boot", "--mac", "00809f000005");
        assertEquals(1, unassigned.exitCode());
        assertTrue(unassigned.err().contains("failed at discovery: unassigned"), unassigned.err());
    }

    @Test
    void aHubThatIsDownOrStallsFailsTheStepAfterItsRetries() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        CommandLineRun down = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--hub",
                "https://localhost:" + closedPort, "--mac", "00809faabbcc", "--attempts", "2", "--timeout", "2");
        assertEquals(1, down.exitCode());
        assertTrue(down.out().contains("retry  connection refused; attempt 2"), down.out());
        assertTrue(down.err().contains("failed at discovery: connection refused"), down.err());

        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            acceptor.start();
            CommandLineRun stalled = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--hub",
                    "https://localhost:" + silent.getLocalPort(), "--mac", "00809faabbcc", "--attempts", "2",
                    "--timeout", "1");
            assertEquals(1, stalled.exitCode());
            assertTrue(stalled.err().contains("failed at discovery: no TLS connection in time"), stalled.err());
            assertEquals(2, held.size(), "one connection per attempt");
        }

        var tls = ServerTls.context(hub.pki().file(HubPki.SERVER_CERTIFICATE), hub.pki().file(HubPki.SERVER_KEY), true);
        try (SSLServerSocket mute = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress())) {
            List<SSLSocket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        SSLSocket socket = (SSLSocket) mute.accept();
                        socket.startHandshake();
                        held.add(socket);
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            acceptor.start();
            CommandLineRun stalled = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--hub",
                    "https://localhost:" + mute.getLocalPort(), "--mac", "00809faabbcc", "--attempts", "1",
                    "--timeout", "1");
            assertEquals(1, stalled.exitCode());
            assertTrue(stalled.err().contains("failed at discovery: timeout (discovery took longer than 1 s)"),
                    stalled.err());
        }
    }

    @Test
    void aSmallFleetBootsRegistersCallsThroughTheRelayAndSummarises() throws IOException {
        for (int i = 1; i <= 6; i++) {
            enroll(String.format("00809f1000%02x", i), Integer.toString(2000 + i));
        }
        CommandLineRun run = phone("fleet", "--count", "6", "--rate", "6", "--first-mac", "00809f100001", "--hold",
                "1", "--cert-dir", dir.resolve("fleet-certs").toString(), "--calls", "2", "--call-seconds", "2");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("6 of 6 registered, 0 failed"), run.out());
        assertTrue(run.out().contains("register            6   p50"), run.out());
        assertTrue(run.out().contains("call setup          2   p50"), run.out());
        assertTrue(run.out().contains("calls: 2 made, 2 answered, 0 failed"), run.out());
        String media = run.out().lines().filter(line -> line.startsWith("calls:")).findFirst().orElseThrow();
        long received = Long.parseLong(media.replaceAll(".* sent, (\\d+) received", "$1"));
        assertTrue(received > 100, "SRTP came back through the relay both ways: " + media);
        assertTrue(run.out().contains("failures: none"), run.out());
        assertTrue(Files.exists(dir.resolve("fleet-certs/00809f100006/key.pem")), "certificates kept for reuse");

        Path accounts = dir.resolve("fleet-accounts");
        String certificate = Files.readString(dir.resolve("fleet-certs/00809f100001/cert.pem"));
        // Again on Conscrypt, the TLS a large load speaks: its phones present their certificates as well.
        CommandLineRun again = phone("fleet", "--count", "2", "--rate", "10", "--first-mac", "00809f100001",
                "--cert-dir", dir.resolve("fleet-certs").toString(), "--provision-only", "--accounts-out",
                accounts.toString(), "--tls", "conscrypt");
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("2 of 2 provisioned, 0 failed"), again.out());
        assertEquals(certificate, Files.readString(dir.resolve("fleet-certs/00809f100001/cert.pem")),
                "the phone reused its certificate");
        assertEquals(List.of("2001 " + enrollment.find("default", MacAddress.parse("00809f100001")).sipPassword(),
                "2002 " + enrollment.find("default", MacAddress.parse("00809f100002")).sipPassword()),
                Files.readAllLines(accounts), "each phone's account as its configuration gave it");
        assertTrue(!again.out().contains("register "), "provisioning only: no SIP step\n" + again.out());
    }

    @Test
    void certificatesAreMadeAheadForLaterRunsWithoutTheHub() throws IOException {
        Path certificates = dir.resolve("made-ahead");
        CommandLineRun made = CommandLineRun.hub("phone", "fleet", "--home", home.toString(), "--count", "3",
                "--first-mac", "00809f300001", "--cert-dir", certificates.toString(), "--certificates-only",
                "--hub", "https://localhost:1");
        assertEquals(0, made.exitCode(), made.out() + made.err());
        assertTrue(made.out().startsWith("certificates of 3 phones in "), made.out());
        for (String mac : List.of("00809f300001", "00809f300002", "00809f300003")) {
            assertTrue(Files.readString(certificates.resolve(mac).resolve("cert.pem")).contains("BEGIN CERTIFICATE"));
            assertTrue(Files.exists(certificates.resolve(mac).resolve("key.pem")));
        }
        String kept = Files.readString(certificates.resolve("00809f300001").resolve("cert.pem"));
        assertEquals(0, CommandLineRun.hub("phone", "fleet", "--home", home.toString(), "--count", "1",
                "--first-mac", "00809f300001", "--cert-dir", certificates.toString(), "--certificates-only").exitCode());
        assertEquals(kept, Files.readString(certificates.resolve("00809f300001").resolve("cert.pem")),
                "a certificate made before is kept");

        CommandLineRun nowhere = CommandLineRun.hub("phone", "fleet", "--home", home.toString(), "--count", "1",
                "--certificates-only");
        assertEquals(2, nowhere.exitCode());
        assertEquals("hub: --certificates-only needs --cert-dir, where the certificates are kept",
                nowhere.errorLine());
    }

    @Test
    void registrationAloneMeasuresRegistersAndHoldsFlows() throws Exception {
        Path accounts = dir.resolve("accounts");
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            String mac = String.format("00809f2000%02x", i);
            enroll(mac, Integer.toString(3000 + i));
            lines.append(3000 + i).append(' ').append(enrollment.find("default", MacAddress.parse(mac)).sipPassword())
                    .append('\n');
        }
        Files.writeString(accounts, lines);
        String registrar = "127.0.0.1:" + hub.sip().tlsPort();
        CommandLineRun rate = CommandLineRun.hub("phone", "register", "--home", home.toString(), "--registrar",
                registrar, "--server-name", "localhost", "--domain", "localhost", "--accounts", accounts.toString(),
                "--flows", "3", "--duration", "2");
        assertEquals(0, rate.exitCode(), rate.out() + rate.err());
        assertTrue(rate.out().contains("result registers_per_second="), rate.out());

        CommandLineRun hold = CommandLineRun.hub("phone", "register", "--home", home.toString(), "--registrar",
                registrar, "--server-name", "localhost", "--domain", "localhost", "--accounts", accounts.toString(),
                "--count", "3", "--rate", "20", "--hold", "1", "--tls", "conscrypt");
        assertEquals(0, hold.exitCode(), hold.out() + hold.err());
        assertTrue(hold.out().contains("holding 3 registered flows of 3"), hold.out());
        assertTrue(hold.out().contains("result held=3"), hold.out());

        Files.writeString(accounts, "3001 wrong-password\n");
        CommandLineRun refused = CommandLineRun.hub("phone", "register", "--home", home.toString(), "--registrar",
                registrar, "--server-name", "localhost", "--domain", "localhost", "--accounts", accounts.toString(),
                "--count", "1", "--hold", "0");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.out().contains("failed: 403 wrong-password"), refused.out());
    }

    @Test
    void badInputIsOneLineAndStatusTwo() {
        CommandLineRun noMode = CommandLineRun.hub("phone", "register", "--home", home.toString(), "--registrar",
                "127.0.0.1:1", "--domain", "d", "--accounts", "x");
        assertEquals(2, noMode.exitCode());
        assertEquals("hub: give either --flows (REGISTERs per second) or --count (phones held)", noMode.errorLine());
        CommandLineRun badHub = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--hub",
                "http://localhost:1", "--mac", "00809faabbcc");
        assertEquals(2, badHub.exitCode());
        assertTrue(badHub.errorLine().contains("--hub must be an https:// URL"), badHub.err());
        CommandLineRun badMac = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--mac", "nope");
        assertEquals(2, badMac.exitCode());
        CommandLineRun badTls = CommandLineRun.hub("phone", "boot", "--home", home.toString(), "--mac",
                "00809faabbcc", "--tls", "openssl");
        assertEquals(2, badTls.exitCode());
        assertEquals("hub: --tls: TLS library 'openssl' is neither jdk nor conscrypt", badTls.errorLine());
    }
}
