package io.hub.relay;

import static io.hub.relay.FakePhone.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MutableClock;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an attacker or a broken phone sprays at relay ports: garbage, truncated packets, RTCP
 * whose length field lies, oversized datagrams. Each is dropped and counted, and a flood on one
 * call's port does not stop another call's media.
 */
class RelayHostileInputTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    @AutoClose
    private LoopbackRelay loopback;
    private MediaRelay relay;

    @BeforeEach
    void startRelay() throws Exception {
        loopback = LoopbackRelay.start(20000, 29999, clock, new SimpleMeterRegistry(), dead -> { });
        relay = loopback.relay;
    }

    @Test
    void hostileDatagramsAreDroppedAndCountedWhileAnotherCallTalksOn() throws Exception {
        Pair talking = call("talking");
        Pair attacked = call("attacked");
        InetSocketAddress target = new InetSocketAddress(LOOPBACK, attacked.session.rtpPort(Side.A));
        List<byte[]> hostile = hostileDatagrams();

        int delivered = 0;
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            for (int seq = 1; seq <= 50; seq++) {
                for (int i = 0; i < 40; i++) {
                    byte[] bytes = hostile.get((seq * 40 + i) % hostile.size());
                    attacker.send(new DatagramPacket(bytes, bytes.length, target));
                }
                talking.a.sendRtp(seq, seq * 160);
                if (talking.b.receiveRtp() != null) {
                    delivered++;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        assertTrue(delivered >= 45, "the other call's media went on through the flood: " + delivered + " of 50");
        StreamStats attackedLeg = awaitDrops(attacked.session, 2000);
        assertTrue(attackedLeg.dropped(DropReason.MALFORMED) > 0, attackedLeg.toString());
        assertTrue(attackedLeg.dropped(DropReason.AUTH_FAILED) > 0, attackedLeg.toString());
        assertEquals(attacked.a.address(), attackedLeg.latchedRtp(), "the latch stayed on the real phone");
        assertEquals(1, attackedLeg.packets(), "only the phone's own packet was accepted");

        attacked.a.sendRtp(1, 160);
        assertTrue(attacked.b.receiveRtp() != null, "the attacked call still carries media afterwards");
    }

    /** Truncated headers, RTCP whose length field promises more than is there, random and oversized bytes. */
    private static List<byte[]> hostileDatagrams() {
        Random random = new Random(4475);
        List<byte[]> datagrams = new ArrayList<>();
        datagrams.add(new byte[0]);
        datagrams.add(new byte[] {(byte) 0x80});
        datagrams.add(new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
        ByteBuffer lyingRtcp = ByteBuffer.allocate(24);
        lyingRtcp.put((byte) 0x81).put((byte) 201).putShort((short) 0x7fff).putInt(0x1234).putInt(0x5678);
        datagrams.add(lyingRtcp.array());
        ByteBuffer extensionPastTheEnd = ByteBuffer.allocate(20);
        extensionPastTheEnd.put((byte) 0x90).put((byte) 0).putShort((short) 7).putInt(160).putInt(0xAAAA)
                .putShort((short) 0xBEDE).putShort((short) 0x7fff);
        datagrams.add(extensionPastTheEnd.array());
        ByteBuffer csrcPastTheEnd = ByteBuffer.allocate(16);
        csrcPastTheEnd.put((byte) 0x8f).put((byte) 0).putShort((short) 8).putInt(320).putInt(0xAAAA);
        datagrams.add(csrcPastTheEnd.array());
        for (int size : new int[] {13, 64, 172, 182, 1400, 2047, 4000}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            bytes[0] = (byte) 0x80;
            datagrams.add(bytes);
        }
        return datagrams;
    }

    private StreamStats awaitDrops(RelaySession session, int atLeast) {
        StreamStats leg = relay.stats(session).a().received();
        for (int i = 0; i < 1000 && leg.droppedTotal() < atLeast; i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            leg = relay.stats(session).a().received();
        }
        return leg;
    }

    private Pair call(String name) throws Exception {
        SdesKey aKey = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SdesKey bKey = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SdesKey hubForA = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SdesKey hubForB = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        FakePhone a = new FakePhone(0xAAAA, aKey, hubForA);
        FakePhone b = new FakePhone(0xBBBB, bKey, hubForB);
        loopback.closeAfter(a);
        loopback.closeAfter(b);
        RelaySession session = relay.allocate(name, RelayMode.TERMINATION, LegSpec.termination(false, null, aKey,
                hubForA), LegSpec.termination(false, null, bKey, hubForB));
        a.sendTo(session.rtpPort(Side.A));
        b.sendTo(session.rtpPort(Side.B));
        a.sendRtp(0, 0);
        b.sendRtp(0, 0);
        for (int i = 0; i < 1000 && (relay.stats(session).a().received().latchedRtp() == null
                || relay.stats(session).b().received().latchedRtp() == null); i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        a.receiveRtp();
        return new Pair(session, a, b);
    }

    private record Pair(RelaySession session, FakePhone a, FakePhone b) {
    }
}
