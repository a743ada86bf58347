package io.hub.relay.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hub.pki.MutableClock;
import io.hub.relay.FakePhone;
import io.hub.relay.LegSpec;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's DTLS leg against OpenSSL on loopback, both roles: {@code openssl s_client -dtls1_2 -use_srtp
 * SRTP_AES128_CM_SHA1_80} against the hub as server, {@code openssl s_server} against the hub as client.
 * The keys are agreed when what OpenSSL exports as EXTRACTOR-dtls_srtp is, byte for byte, the keys the
 * hub handed its SRTP termination.
 */
class DtlsOpenSslInteropTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<DtlsLegReport> reports = new LinkedBlockingQueue<>();
    private MediaRelay relay;
    private DtlsSrtpLegs legs;
    private RelaySession session;
    private CapturingPort port;
    @TempDir
    Path folder;

    @BeforeAll
    static void needsOpenSsl() {
        assumeTrue(OpenSsl.available(), "the openssl command is not installed");
    }

    @BeforeEach
    void start() throws Exception {
        relay = new MediaRelay(new RelayConfig(FakePhone.LOOPBACK, 20000, 29999, Duration.ofSeconds(60), 8000), clock,
                registry, dead -> { });
        relay.start();
        legs = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, registry, reports::add, 4);
        SdesKey phoneKey = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SdesKey hubKeyForPhone = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        session = relay.allocate("call-dtls@hub", RelayMode.TERMINATION, LegSpec.termination(true, null, null, null),
                LegSpec.termination(false, null, phoneKey, hubKeyForPhone));
        port = new CapturingPort(relay.legPort(session, Side.A));
    }

    @AfterEach
    void stop() {
        relay.close();
        legs.close();
    }

    @Test
    void openSslAsClientAgreesOnTheSrtpKeysTheHubTerminatesWith() throws Exception {
        Path[] browser = OpenSsl.selfSigned(folder, "browser");
        relay.attach(session, Side.A, legs.create(port, DtlsRole.SERVER, Fingerprint.sha256(OpenSsl.der(browser[0])), null));

        try (OpenSsl client = OpenSsl.start(sClient(browser))) {
            String material = client.await("Keying material:");
            assertNotNull(material, client.output());
            assertTrue(client.output().contains("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80"), client.output());

            DtlsLegReport report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report);
            assertNull(report.failure());
            assertEquals(DtlsRole.SERVER, report.role());
            SdesKey[] keys = port.keys.poll(5, TimeUnit.SECONDS);
            assertNotNull(keys);
            // The hub is server: it unprotects with the client's key and protects with the server's.
            assertEquals(material.substring("Keying material:".length()).strip(), exported(keys[0], keys[1]));
            assertEquals(1.0, registry.get("hub.relay.dtls.handshakes").tag("outcome", "ok").counter().count());
        }
    }

    @Test
    void aClientWhoseCertificateIsNotTheSdpFingerprintIsRefusedAndGetsNoKeys() throws Exception {
        Path[] browser = OpenSsl.selfSigned(folder, "browser");
        Path[] other = OpenSsl.selfSigned(folder, "someone-else");
        DtlsSrtpLeg leg = legs.create(port, DtlsRole.SERVER, Fingerprint.sha256(OpenSsl.der(other[0])), null);
        relay.attach(session, Side.A, leg);

        try (OpenSsl client = OpenSsl.start(sClient(browser))) {
            DtlsLegReport report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report);
            assertEquals(DtlsFailure.FINGERPRINT_MISMATCH, report.failure());
            assertEquals(DtlsSrtpLeg.State.FAILED, leg.state());
            assertTrue(port.keys.isEmpty(), "no keys reach the relay");
            assertEquals(1.0, registry.get("hub.relay.dtls.handshakes").tag("outcome", "fingerprint_mismatch")
                    .counter().count());
            assertTrue(client.waitFor(), "openssl gives up on the alert");
            assertTrue(client.output().contains("alert bad certificate"), client.output());
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        Path[] browser = OpenSsl.selfSigned(folder, "browser");
        relay.attach(session, Side.A, legs.create(port, DtlsRole.SERVER, Fingerprint.sha256(OpenSsl.der(browser[0])), null));

        try (OpenSsl client = OpenSsl.start(List.of("s_client", "-dtls1_2", "-connect", "127.0.0.1:" + port.localPort(),
                "-use_srtp", "SRTP_AES128_CM_SHA1_80"))) {
            DtlsLegReport report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report, client.output());
            assertEquals(DtlsFailure.NO_CERTIFICATE, report.failure());
        }
    }

    @Test
    void theHubAsClientAgreesOnTheKeysWithOpenSslAsServer() throws Exception {
        Path[] browser = OpenSsl.selfSigned(folder, "browser");
        int serverPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(FakePhone.LOOPBACK, 0))) {
            serverPort = probe.getLocalPort();
        }
        DtlsSrtpLeg leg = legs.create(port, DtlsRole.CLIENT, Fingerprint.sha256(OpenSsl.der(browser[0])), null);
        relay.attach(session, Side.A, leg);

        try (OpenSsl server = OpenSsl.start(List.of("s_server", "-dtls1_2", "-accept", "127.0.0.1:" + serverPort,
                "-cert", browser[0].toString(), "-key", browser[1].toString(), "-use_srtp", "SRTP_AES128_CM_SHA1_80",
                "-verify", "1", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60"), true)) {
            assertNotNull(server.await("ACCEPT"), server.output());
            leg.connect(new InetSocketAddress(FakePhone.LOOPBACK, serverPort));

            DtlsLegReport report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report, server.output());
            assertNull(report.failure(), server.output());
            String material = server.await("Keying material:");
            assertNotNull(material, server.output());
            SdesKey[] keys = port.keys.poll(5, TimeUnit.SECONDS);
            // The hub is client: it protects with the client's key and unprotects with the server's.
            assertEquals(material.substring("Keying material:".length()).strip(), exported(keys[1], keys[0]));
        }
    }

    private List<String> sClient(Path[] identity) {
        return List.of("s_client", "-dtls1_2", "-connect", "127.0.0.1:" + port.localPort(), "-use_srtp",
                "SRTP_AES128_CM_SHA1_80", "-cert", identity[0].toString(), "-key", identity[1].toString(),
                "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60");
    }

    /** RFC 5764 §4.2's layout, as OpenSSL prints it: client key, server key, client salt, server salt. */
    private static String exported(SdesKey client, SdesKey server) {
        HexFormat hex = HexFormat.of().withUpperCase();
        return hex.formatHex(client.masterKey()) + hex.formatHex(server.masterKey()) + hex.formatHex(client.masterSalt())
                + hex.formatHex(server.masterSalt());
    }
}
