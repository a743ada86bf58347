package io.hub.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.relay.NgRelay;
import io.hub.relay.RelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native packet pump, built from its C source with the machine's {@code cc} as {@code bench/relay.sh}
 * builds it: driven by the generator through the hub's relay in both SDES modes, every packet arrives
 * exactly as prepared; a packet that differs from what the phone must receive is counted as rejected,
 * one that never comes back as lost, and a plan that is not whole is refused.
 */
class RtpPumpTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Inet4Address PHONES = RtpPump.ipv4("127.77.0.1");

    @TempDir
    static Path build;
    private static Path pump;

    @BeforeAll
    static void compile() throws Exception {
        pump = build.resolve("rtp-pump");
        Process cc = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", "-pthread", "-o", pump.toString(),
                "native/rtp-pump.c").redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS), "cc did not finish");
        assertEquals(0, cc.exitValue(), output);
    }

    @Test
    void everyPacketCrossesTheHubsRelayExactlyAsPreparedInBothModes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (NgRelay relay = new NgRelay(new RelayConfig(LOOPBACK, 47200, 47399, Duration.ofSeconds(60), 8000),
                new InetSocketAddress(LOOPBACK, 0), "127.0.0.1", Clock.systemUTC(), registry)) {
            relay.start();
            RelayLoad.Options options = RelayLoad.parse(new String[] {"--ng", "127.0.0.1:" + relay.controlAddress()
                    .getPort(), "--pump", pump.toString(), "--warmup", "0.5", "--seconds", "1"});
            for (boolean passthrough : new boolean[] {true, false}) {
                LoadStep.Result result = LoadStep.run(options, passthrough, 10);

                String mode = passthrough ? "passthrough" : "termination";
                assertEquals(10 * 2 * 50, result.sent(), mode + ": one packet per phone and tick of the window");
                assertEquals(0, result.rejected(), mode + ": every packet is the one prepared for its phone");
                assertEquals(0, result.sendFailures(), mode);
                // Loss is what the bench measures; here it only has to be counted, so a slow machine may
                // lose a few packets without failing the test.
                assertTrue(result.received() > result.sent() * 9 / 10 && result.received() <= result.sent(),
                        mode + ": " + result.received() + " of " + result.sent() + " received");
                assertTrue(result.p50Micros() >= 0 && result.p99Micros() >= result.p50Micros(), mode);
                assertTrue(result.generatorCpuSeconds() >= 0, mode);
            }
        }
    }

    @Test
    void aWrongPacketIsRejectedAndAMissingOneIsLost() throws Exception {
        try (RtpPump pumping = RtpPump.start(pump, 4, PHONES); DatagramSocket silent = new DatagramSocket(0, LOOPBACK);
                DatagramSocket stranger = new DatagramSocket(0, LOOPBACK)) {
            List<PumpedPhone> phones = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                phones.add(new PumpedPhone(i, pumping.phone(i), 0x7000 + i, CryptoSuite.AES_CM_128_HMAC_SHA1_80));
            }
            assertEquals(new InetSocketAddress("127.77.0.4", pumping.phone(0).getPort()), pumping.phone(3),
                    "each phone has the address after the one before, on the same port");
            PumpedPhone a = phones.get(0);
            PumpedPhone b = phones.get(1);
            PumpedPhone c = phones.get(2);
            PumpedPhone d = phones.get(3);
            // A and B talk straight to each other, but B expects A's audio under a key A does not use.
            a.connect(b.address(), b.ownKey(), b);
            b.connect(a.address(), MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80), a);
            // C and D are each other's peers, but both send into a socket that never answers.
            InetSocketAddress nowhere = new InetSocketAddress(LOOPBACK, silent.getLocalPort());
            c.connect(nowhere, d.ownKey(), d);
            d.connect(nowhere, c.ownKey(), c);

            pumping.prepare(phones, 40, 10);
            // Exactly the packet C must receive at tick 20, but from a port that is not C's relay port:
            // it queues in the pump's socket until the pump reads it.
            List<byte[]> forC = new ArrayList<>();
            c.expected(21, packet -> {
                byte[] copy = new byte[packet.remaining()];
                packet.duplicate().get(copy);
                forC.add(copy);
            });
            byte[] packet = forC.get(20);
            stranger.send(new DatagramPacket(packet, packet.length, c.address()));

            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            pumping.go(start);
            RtpPump.Outcome outcome = pumping.outcome(60);

            assertEquals(4 * 30, outcome.sent());
            assertEquals(4 * 30, outcome.inWindow());
            assertEquals(40 + 1, outcome.rejected(),
                    "every packet B received, warm-up included, was A's under another key; C's came from a stranger");
            assertEquals(30, outcome.received(), "only A hears its peer: B's packets of the window");
            assertEquals(0, outcome.duplicates());
        }
    }

    @Test
    void phonesOutsideTheLoopbackNetworkAreRefused() throws Exception {
        IOException refused = assertThrows(IOException.class,
                () -> RtpPump.start(pump, 2, RtpPump.ipv4("127.255.255.254")).close());
        assertTrue(refused.getMessage().contains("did not take 2 addresses"), refused.getMessage());
    }

    @Test
    void aPlanThatIsNotWholeIsRefused() throws Exception {
        try (RtpPump pumping = RtpPump.start(pump, 2, PHONES)) {
            pumping.go(System.nanoTime());

            IOException refused = assertThrows(IOException.class, () -> pumping.outcome(60));
            assertTrue(refused.getMessage().contains("exit 2"), refused.getMessage());
        }
    }

    @Test
    void thePumpMustBeAnExecutable() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RelayLoad.parse(new String[] {"--direct", "--pump", build.resolve("missing").toString()}));
        assertTrue(refused.getMessage().contains("not an executable"), refused.getMessage());
    }
}
