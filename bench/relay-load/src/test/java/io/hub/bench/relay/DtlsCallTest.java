package io.hub.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.bench.relay.dtls.DtlsHandshake;
import io.hub.bench.relay.dtls.DtlsIdentity;
import io.hub.bench.relay.dtls.RelayCertificateCheck;
import io.hub.relay.NgRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.control.NgClient;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's DTLS-SRTP ⇄ SDES call against the hub's relay, run in-process behind its ng control
 * on loopback as {@code hub relay} runs it: the emulated browser's own Bouncy Castle DTLS client
 * handshakes with the relay port it was given, and SRTP goes both ways between it and the SDES desk
 * phone. Also the answers and certificates the browser refuses.
 */
class DtlsCallTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final DtlsIdentity BROWSERS = DtlsIdentity.generate();

    private DtlsSrtpLegs dtlsLegs;
    private NgRelay relay;
    private NgClient ng;
    private DtlsCall call;

    @BeforeEach
    void startRelay() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        dtlsLegs = DtlsSrtpLegs.withFreshCertificate(Clock.systemUTC(), registry);
        relay = new NgRelay(new RelayConfig(LOOPBACK, 47000, 47099, Duration.ofSeconds(60), 8000),
                new InetSocketAddress(LOOPBACK, 0), "127.0.0.1", Clock.systemUTC(), registry, dtlsLegs);
        relay.start();
        ng = new NgClient(relay.controlAddress(), Duration.ofSeconds(5), 1);
        call = new DtlsCall("test-call", LOOPBACK, 0x5100, BROWSERS);
    }

    @AfterEach
    void stopRelay() throws Exception {
        call.a.close();
        call.b.close();
        ng.close();
        relay.close();
        dtlsLegs.close();
    }

    @Test
    void theBrowserHandshakesWithTheRelayAndHearsTheDeskPhoneWhichHearsIt() throws Exception {
        call.negotiate(ng);
        call.handshake();

        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", "test-call"));
        String report = query.toString();
        assertTrue(report.contains("kind=DTLS-SRTP") && report.contains("kind=SDES"), report);

        // The desk phone's first packet latches its leg; from then on both directions carry audio.
        Phone.Window window = new Phone.Window(0, 1000);
        Latencies latencies = new Latencies(200);
        try (Selector selector = Selector.open()) {
            call.a.channel.register(selector, SelectionKey.OP_READ, call.a);
            call.b.channel.register(selector, SelectionKey.OP_READ, call.b);
            for (int seq = 0; seq < 50 && (call.a.receivedInWindow < 3 || call.b.receivedInWindow < 3); seq++) {
                call.b.send(seq, true);
                call.a.send(seq, true);
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Phone) key.attachment()).receive(window, latencies);
                }
                selector.selectedKeys().clear();
            }
        }
        assertTrue(call.b.receivedInWindow >= 3, "the desk phone decrypted the browser's SRTP: " + call.b.receivedInWindow);
        assertTrue(call.a.receivedInWindow >= 3, "the browser decrypted the desk phone's SRTP with its DTLS keys: "
                + call.a.receivedInWindow);
        assertEquals(0, call.a.rejected + call.b.rejected, "no packet failed to decrypt");
    }

    @Test
    void aRelayCertificateThatIsNotItsFingerprintFailsTheHandshake() throws Exception {
        call.negotiate(ng);
        RelayCertificateCheck someoneElse = RelayCertificateCheck.parse(DtlsIdentity.generate().fingerprint());

        IOException refused = assertThrows(IOException.class, () -> DtlsHandshake.run(call.a.channel.socket(),
                call.relayForA(), BROWSERS, someoneElse));
        assertTrue(refused.getMessage().startsWith("DTLS with " + call.relayForA() + " failed: ")
                && refused.getMessage().contains("bad_certificate"), refused.getMessage());
    }

    @Test
    void anAnswerThatMakesTheBrowserTheDtlsServerIsRefused() {
        String answer = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 47010 UDP/TLS/RTP/SAVPF 0\r\n"
                + "a=fingerprint:" + BROWSERS.fingerprint() + "\r\na=setup:active\r\n";

        IOException refused = assertThrows(IOException.class, () -> RelayAnswer.read("c1", answer));

        assertEquals("call c1: the relay's answer takes a=setup:active; this generator's browser is DTLS client only "
                + "(rtpengine needs --dtls-passive)", refused.getMessage());
    }

    @Test
    void anAnswerWithoutFingerprintOrWithAnotherProfileIsRefused() {
        IOException noFingerprint = assertThrows(IOException.class, () -> RelayAnswer.read("c2",
                "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 47010 UDP/TLS/RTP/SAVPF 0\r\na=setup:passive\r\n"));
        assertEquals("call c2: the relay's answer has no a=fingerprint", noFingerprint.getMessage());

        IOException sdes = assertThrows(IOException.class, () -> RelayAnswer.read("c3",
                "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 47010 RTP/SAVP 0\r\n"));
        assertEquals("call c3: the relay's answer has no UDP/TLS/RTP/SAVPF audio with an address: RTP/SAVP "
                + "127.0.0.1:47010", sdes.getMessage());
    }

    @Test
    void aFingerprintInAnotherHashOrOfTheWrongLengthIsRefused() {
        assertEquals("the relay's fingerprint is not sha-256: sha-1 AB:CD", assertThrows(
                IllegalArgumentException.class, () -> RelayCertificateCheck.parse("sha-1 AB:CD")).getMessage());
        assertEquals("the relay's fingerprint is not 32 bytes: AB:CD", assertThrows(
                IllegalArgumentException.class, () -> RelayCertificateCheck.parse("sha-256 AB:CD")).getMessage());
    }

    @Test
    void theGeneratorRefusesDtlsWithoutARelay() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RelayLoad.parse(new String[] {"--direct", "--mode", "dtls"}));
        assertEquals("--mode dtls needs a relay to bridge DTLS-SRTP to SDES, not --direct", refused.getMessage());
    }
}
