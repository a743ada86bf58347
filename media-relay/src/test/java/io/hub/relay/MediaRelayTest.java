package io.hub.relay;

import static io.hub.relay.FakePhone.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.Srtcp;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import io.hub.pki.MutableClock;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay with real UDP on 127.0.0.1 between two fake phones sending G.711-sized SRTP every 20 ms. */
class MediaRelayTest {

    private static final SrtpSuite S80 = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    private static final SrtpSuite S32 = SrtpSuite.AES_CM_128_HMAC_SHA1_32;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<DeadStream> dead = new LinkedBlockingQueue<>();
    @AutoClose
    private LoopbackRelay loopback;
    private MediaRelay relay;

    @BeforeEach
    void startRelay() throws IOException {
        loopback = LoopbackRelay.start(20000, 29999, clock, registry, dead::add);
        relay = loopback.relay;
    }

    @Test
    void terminationGivesEachPhoneTheOthersAudioUnderItsOwnHubKey() throws Exception {
        Call call = terminatedCall(false);

        for (int seq = 1; seq < 50; seq++) {
            call.a.sendRtp(seq, seq * 160);
            call.b.sendRtp(seq, seq * 160);
            pace();
        }

        for (int seq = 0; seq < 50; seq++) {
            assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, seq, seq * 160), call.a.receiveRtp(), "B's packet " + seq);
        }
        for (int seq = 1; seq < 50; seq++) {
            assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, seq, seq * 160), call.b.receiveRtp(), "A's packet " + seq);
        }
        SessionStats stats = awaitStats(call.session, s -> s.a().received().packets() == 50 && s.b().received().packets() == 50);
        assertEquals(call.a.address(), stats.a().received().latchedRtp());
        assertEquals(1, stats.a().received().dropped(DropReason.PEER_NOT_LATCHED), "A's first packet: B had not sent yet");
        assertEquals(1, stats.a().received().droppedTotal());
        assertEquals(50, stats.a().packetsSent());
        assertEquals(49, stats.b().packetsSent());
        assertEquals(50L * (12 + 160 + 10), stats.a().received().bytes());
        assertEquals(0, stats.a().received().lost());
        assertTrue(registry.get("hub.relay.packets").tag("direction", "out").counter().count() >= 99);
    }

    @Test
    void callsAreSpreadOverTheIoThreadsAndEachRelaysBothWays() throws Exception {
        relay.close();
        relay = loopback.closeAfter(new MediaRelay(new RelayConfig(LOOPBACK, 20000, 29999, Duration.ofSeconds(60),
                8000, 3), clock, new SimpleMeterRegistry(), dead::add));
        relay.start();
        List<Call> calls = List.of(terminatedCall(false), terminatedCall(false), terminatedCall(false));

        assertEquals(List.of(1, 1, 1), relay.sessionsPerThread(), "a call per thread");
        for (Call call : calls) {
            call.a.sendRtp(1, 160);
            call.b.sendRtp(1, 160);
        }
        for (Call call : calls) {
            assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 0, 0), call.a.receiveRtp());
            assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 1, 160), call.a.receiveRtp());
            assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, 1, 160), call.b.receiveRtp());
        }
        relay.release(calls.get(1).session);
        assertEquals(List.of(1, 0, 1), relay.sessionsPerThread());
        Call next = terminatedCall(false);
        assertEquals(List.of(1, 1, 1), relay.sessionsPerThread(), "the freed thread takes the next call");
        next.a.sendRtp(1, 160);
        next.b.sendRtp(1, 160);
        assertArrayEquals(FakePhone.plainRtp(next.a.ssrc, 1, 160), next.b.receiveRtp());
    }

    @Test
    void aRelayWithoutIoThreadsOrWithTooManyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 20000, 29999,
                Duration.ofSeconds(60), 8000, 0));
        assertEquals("relay I/O threads must be from 0 (one per core) to 64, not 65",
                assertThrows(IllegalArgumentException.class,
                        () -> new RelayConfig(LOOPBACK, 20000, 29999, Duration.ofSeconds(60), 8000, 65)).getMessage());
        assertEquals("relay I/O threads must be from 0 (one per core) to 64, not -1", assertThrows(
                IllegalArgumentException.class, () -> RelayConfig.defaults(LOOPBACK).withIoThreads(-1)).getMessage());
        assertEquals(RelayConfig.threadPerCore(), RelayConfig.defaults(LOOPBACK).withIoThreads(0).ioThreads());
    }

    @Test
    void aPacketUnderOnePhonesKeyDoesNotDecryptUnderAnotherUntilTheRelayReencryptsIt() throws Exception {
        Call call = terminatedCall(false);
        byte[] wire = call.a.sendRtp(1, 160);

        SrtpReceiver bWithAsKeyNot = new SrtpReceiver(FakePhone.asPhones(call.hubKeyForB));
        assertEquals(SrtpReceiver.Result.AUTH_FAILED, bWithAsKeyNot.unprotect(ByteBuffer.wrap(wire.clone())));
        assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, 1, 160), call.b.receiveRtp());
    }

    @Test
    void aSpoofedOrReplayedPacketIsDroppedAndDoesNotMoveTheLatch() throws Exception {
        Call call = terminatedCall(false);
        DatagramSocket attacker = socket();
        InetSocketAddress port = new InetSocketAddress(LOOPBACK, call.session.rtpPort(Side.A));
        byte[] forged = FakePhone.plainRtp(call.a.ssrc, 5, 800);
        ByteBuffer underAnotherKey = ByteBuffer.allocate(256).put(FakePhone.plainRtp(call.a.ssrc, 7, 1120)).flip();
        new SrtpSender(MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80)).protect(underAnotherKey);
        byte[] wrongKey = Arrays.copyOf(underAnotherKey.array(), underAnotherKey.limit());

        send(attacker, Arrays.copyOf(forged, forged.length + 10), port);
        send(attacker, wrongKey, port);
        send(attacker, call.firstFromA, port);
        SessionStats stats = awaitStats(call.session, s -> s.a().received().droppedTotal() == 4);

        assertEquals(2, stats.a().received().dropped(DropReason.AUTH_FAILED));
        assertEquals(1, stats.a().received().dropped(DropReason.REPLAYED));
        assertEquals(call.a.address(), stats.a().received().latchedRtp(), "the latch stays on the phone");
        call.a.sendRtp(1, 160);
        assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, 1, 160), call.b.receiveRtp(), "nothing forged was forwarded first");
        assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 0, 0), call.a.receiveRtp(), "from before the attack");
        call.b.sendRtp(1, 160);
        assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 1, 160), call.a.receiveRtp(), "B's audio still goes to A");
    }

    @Test
    void aNatRebindingIsFollowedOnAnAuthenticatedPacket() throws Exception {
        Call call = terminatedCall(false);
        InetSocketAddress before = call.a.address();
        call.a.rebind();

        call.a.sendRtp(1, 160);
        SessionStats stats = awaitStats(call.session, s -> call.a.address().equals(s.a().received().latchedRtp()));
        assertNotEquals(before, stats.a().received().latchedRtp());
        call.b.sendRtp(1, 160);
        assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 1, 160), call.a.receiveRtp(), "B's audio follows A");
    }

    @Test
    void srtcpIsTerminatedOnItsOwnPortAndOnAMuxedOne() throws Exception {
        for (boolean mux : new boolean[] {false, true}) {
            Call call = terminatedCall(mux);
            assertEquals(mux, call.session.rtcpPort(Side.A) == call.session.rtpPort(Side.A));
            call.a.receiveRtp();
            if (mux) {
                call.b.sendRtcp(call.session.rtpPort(Side.B));
                awaitStats(call.session, s -> s.b().received().latchedRtcp() != null);
                call.a.sendRtcp(call.session.rtpPort(Side.A));
            } else {
                call.b.sendRtcp(call.session.rtcpPort(Side.B));
                awaitStats(call.session, s -> s.b().received().latchedRtcp() != null);
                call.a.sendRtcp(call.session.rtcpPort(Side.A));
            }
            byte[] wire = call.b.receiveRaw();
            ByteBuffer packet = ByteBuffer.wrap(wire);
            assertEquals(SrtpReceiver.Result.OK, new Srtcp(FakePhone.asPhones(call.hubKeyForB)).unprotect(packet),
                    "mux " + mux);
            assertEquals(201, packet.get(1) & 0xff);
            assertEquals(call.a.ssrc, packet.getInt(4));
        }
    }

    @Test
    void passthroughForwardsTheBytesUntouchedAndLocksOnTheFirstSource() throws Exception {
        SdesKey endToEnd = SdesKey.generate(S80);
        FakePhone a = phone(0xA1, endToEnd, endToEnd);
        FakePhone b = phone(0xB1, endToEnd, endToEnd);
        RelaySession session = relay.allocate("pass-1", RelayMode.PASSTHROUGH, LegSpec.passthrough(false, null),
                LegSpec.passthrough(false, null));
        a.sendTo(session.rtpPort(Side.A));
        b.sendTo(session.rtpPort(Side.B));
        a.sendRtp(0, 0);
        awaitStats(session, s -> s.a().received().latchedRtp() != null);

        List<byte[]> fromB = new ArrayList<>();
        List<byte[]> fromA = new ArrayList<>();
        for (int seq = 0; seq < 25; seq++) {
            fromB.add(b.sendRtp(seq, seq * 160));
            if (seq > 0) {
                fromA.add(a.sendRtp(seq, seq * 160));
            }
            pace();
        }
        for (byte[] sent : fromB) {
            assertArrayEquals(sent, a.receiveRaw());
        }
        DatagramSocket attacker = socket();
        send(attacker, fromA.get(0), new InetSocketAddress(LOOPBACK, session.rtpPort(Side.A)));
        SessionStats stats = awaitStats(session, s -> s.a().received().dropped(DropReason.FOREIGN_SOURCE) == 1);
        assertEquals(a.address(), stats.a().received().latchedRtp());
        // B's first packet came when A had latched, so B hears all of A's but A's first
        for (byte[] sent : fromA) {
            assertArrayEquals(sent, b.receiveRaw());
        }
    }

    @Test
    void passthroughPrefersTheSdpAddressOverAStrangerThatSentFirst() throws Exception {
        FakePhone a = phone(0xA2, SdesKey.generate(S80), null);
        RelaySession session = relay.allocate("pass-2", RelayMode.PASSTHROUGH, LegSpec.passthrough(false, a.address()),
                LegSpec.passthrough(false, null));
        a.sendTo(session.rtpPort(Side.A));
        DatagramSocket stranger = socket();
        InetSocketAddress port = new InetSocketAddress(LOOPBACK, session.rtpPort(Side.A));

        send(stranger, FakePhone.plainRtp(1, 1, 1), port);
        awaitStats(session, s -> s.a().received().latchedRtp() != null);
        a.sendRtp(1, 160);
        awaitStats(session, s -> a.address().equals(s.a().received().latchedRtp()));
        send(stranger, FakePhone.plainRtp(1, 2, 1), port);

        SessionStats stats = awaitStats(session, s -> s.a().received().dropped(DropReason.FOREIGN_SOURCE) == 1);
        assertEquals(a.address(), stats.a().received().latchedRtp(), "locked on the SDP address");
    }

    @Test
    void lossAndJitterAreCountedPerStream() throws Exception {
        Call call = terminatedCall(false);
        int timestamp = 0;
        for (int seq = 1; seq <= 20; seq++) {
            // every third packet claims 40 ms of audio while the phone sends every 20 ms: jitter
            timestamp += seq % 3 == 0 ? 320 : 160;
            if (seq != 10) {
                call.a.sendRtp(seq, timestamp);
            }
            pace();
        }

        SessionStats stats = awaitStats(call.session, s -> s.a().received().packets() == 20);
        assertEquals(1, stats.a().received().lost(), "sequence 10 never came");
        assertTrue(stats.a().received().jitter() > 0, "jitter " + stats.a().received().jitter());
        assertEquals(stats.a().received().jitter() / 8, stats.a().received().jitterMillis(), 1e-9);
        assertEquals(0, stats.b().received().lost());
    }

    @Test
    void aSilentLegIsReportedOnceWhenTheInjectedClockPassesItsTimeout() throws Exception {
        Call call = terminatedCall(false);
        RelaySession onHold = relay.allocate("held", RelayMode.TERMINATION,
                LegSpec.termination(false, null, null, SdesKey.generate(S80)),
                LegSpec.termination(false, null, null, SdesKey.generate(S80)));
        relay.timeout(onHold, Duration.ofMinutes(5));

        clock.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), relay.expire(clock.instant()));
        call.a.sendRtp(1, 160);
        awaitStats(call.session, s -> s.a().received().packets() == 2);
        clock.advance(Duration.ofSeconds(2));
        relay.expire(clock.instant());

        DeadStream event = dead.poll(5, TimeUnit.SECONDS);
        assertEquals(call.session, event.session());
        assertEquals(Side.B, event.silentLeg(), "A spoke a second ago");
        assertEquals(Duration.ofSeconds(60), event.timeout());
        assertEquals(List.of(), relay.expire(clock.instant()), "reported once");
        assertNull(dead.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(1.0, registry.get("hub.relay.dead.streams").counter().count());
    }

    @Test
    void exhaustionIsItsOwnExceptionAndReleaseGivesThePortsBack() throws Exception {
        int base = FreePorts.fourFrom(46000);
        MediaRelay tiny = new MediaRelay(new RelayConfig(LOOPBACK, base, base + 3, Duration.ofSeconds(60), 8000), clock,
                new SimpleMeterRegistry(), dead::add);
        tiny.start();
        try {
            RelaySession first = tiny.allocate("one", RelayMode.PASSTHROUGH, LegSpec.passthrough(false, null),
                    LegSpec.passthrough(false, null));
            assertEquals(0, tiny.freePorts());

            PortsExhaustedException e = assertThrows(PortsExhaustedException.class, () -> tiny.allocate("two",
                    RelayMode.PASSTHROUGH, LegSpec.passthrough(false, null), LegSpec.passthrough(false, null)));
            assertEquals("no free relay port pair in " + base + "-" + (base + 3), e.getMessage());

            tiny.release(first);
            assertEquals(4, tiny.freePorts());
            assertEquals(List.of(), tiny.sessions());
            for (int port = base; port <= base + 3; port++) {
                new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
            }
            RelaySession again = tiny.allocate("three", RelayMode.PASSTHROUGH, LegSpec.passthrough(true, null),
                    LegSpec.passthrough(true, null));
            assertEquals(again.rtpPort(Side.A), again.rtcpPort(Side.A), "rtcp-mux takes one port");
            assertEquals(2, tiny.freePorts());
        } finally {
            tiny.close();
        }
        assertEquals(4, tiny.freePorts(), "close releases every session");
    }

    @Test
    void hundredsOfSessionsAreAllocatedAndAllReleased() throws Exception {
        int free = relay.freePorts();
        List<RelaySession> sessions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sessions.add(relay.allocate("bulk-" + i, RelayMode.TERMINATION,
                    LegSpec.termination(i % 2 == 0, null, SdesKey.generate(S32), SdesKey.generate(S32)),
                    LegSpec.termination(false, null, SdesKey.generate(S80), SdesKey.generate(S80))));
        }
        assertEquals(free - 300 * 3 - 150, relay.freePorts());
        assertEquals(300.0, registry.get("hub.relay.sessions").gauge().value());
        sessions.forEach(relay::release);
        assertEquals(free, relay.freePorts());
        assertEquals(List.of(), relay.sessions());
    }

    @Test
    void passthroughRefusesKeysAndTheControlApiNeedsAStartedRelay() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> relay.allocate("k",
                RelayMode.PASSTHROUGH, LegSpec.termination(false, null, SdesKey.generate(S80), null),
                LegSpec.passthrough(false, null)));
        assertEquals("passthrough forwards SRTP untouched; a leg has keys", e.getMessage());
        MediaRelay stopped = new MediaRelay(RelayConfig.defaults(LOOPBACK), clock, new SimpleMeterRegistry(), dead::add);
        assertEquals("the relay is not running", assertThrows(IllegalStateException.class, () -> stopped.allocate("x",
                RelayMode.PASSTHROUGH, LegSpec.passthrough(false, null), LegSpec.passthrough(false, null))).getMessage());
        stopped.close();
    }

    /** A terminated call where A, then B, sent one packet: both legs latched, A has B's first packet waiting. */
    private Call terminatedCall(boolean mux) throws Exception {
        SdesKey aKey = SdesKey.generate(S80);
        SdesKey bKey = SdesKey.generate(S32);
        SdesKey hubForA = SdesKey.generate(S32);
        SdesKey hubForB = SdesKey.generate(S80);
        FakePhone a = phone(0xAAAA, aKey, hubForA);
        FakePhone b = phone(0xBBBB, bKey, hubForB);
        RelaySession session = relay.allocate("call-" + System.nanoTime(), RelayMode.TERMINATION,
                LegSpec.termination(mux, null, aKey, hubForA), LegSpec.termination(mux, null, bKey, hubForB));
        a.sendTo(session.rtpPort(Side.A));
        b.sendTo(session.rtpPort(Side.B));
        byte[] first = a.sendRtp(0, 0);
        awaitStats(session, s -> s.a().received().latchedRtp() != null);
        b.sendRtp(0, 0);
        awaitStats(session, s -> s.b().received().latchedRtp() != null);
        return new Call(session, a, b, hubForB, first);
    }

    private record Call(RelaySession session, FakePhone a, FakePhone b, SdesKey hubKeyForB, byte[] firstFromA) {
    }

    private FakePhone phone(int ssrc, SdesKey own, SdesKey hub) throws IOException {
        FakePhone phone = new FakePhone(ssrc, own, hub);
        loopback.closeAfter(phone);
        return phone;
    }

    private DatagramSocket socket() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        loopback.closeAfter(s);
        return s;
    }

    private static void send(DatagramSocket from, byte[] bytes, InetSocketAddress to) throws IOException {
        from.send(new java.net.DatagramPacket(bytes, bytes.length, to));
    }

    /** G.711 at 20 ms: the phones' pacing, not a wait for the relay. */
    private static void pace() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** Polls the session's counters until they satisfy {@code condition}: at most 1000 times, 5 s in all. */
    private SessionStats awaitStats(RelaySession session, Predicate<SessionStats> condition) {
        SessionStats stats = relay.stats(session);
        for (int i = 0; i < 1000 && !condition.test(stats); i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            stats = relay.stats(session);
        }
        assertTrue(condition.test(stats), "counters never got there: " + stats);
        return stats;
    }

}
