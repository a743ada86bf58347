package io.hub.relay.offer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.MasterKey;
import io.hub.pki.MutableClock;
import io.hub.relay.LoopbackRelay;
import io.hub.relay.FakePhone;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayMode;
import io.hub.relay.Side;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.dtls.HubCertificate;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one adapter between SDP and relay legs, on a real relay on loopback. */
class OfferAnswerTest {

    private static final SrtpSuite S80 = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    private static final SrtpSuite S32 = SrtpSuite.AES_CM_128_HMAC_SHA1_32;
    private static final String RELAY = "192.0.2.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    @AutoClose
    private LoopbackRelay loopback;
    private MediaRelay relay;
    private int freePorts;

    @BeforeEach
    void startRelay() throws Exception {
        loopback = LoopbackRelay.start(45000, 45999, clock, new SimpleMeterRegistry(), event -> { });
        relay = loopback.relay;
        freePorts = relay.freePorts();
    }

    @Test
    void anOfferAndItsAnswerGiveEachPhoneAHubKeyAndCarryRealSrtpBothWays() throws Exception {
        FakePhone alice = phone(0x0A);
        FakePhone bob = phone(0x0B);
        OfferAnswer call = OfferAnswer.open(relay, "call-1", RelayMode.TERMINATION, OfferAnswer.Mux.DECLINED,
                PhoneMedia.of(sdp(alice, "sendrecv", 1)));
        OfferAnswer.Onward toBob = call.onward(RELAY);

        MediaDescription offered = medium(toBob.sdp());
        assertEquals("c=IN IP4 " + RELAY, SessionDescription.parse(toBob.sdp()).sessionLine("c=").orElseThrow());
        assertEquals(call.session().rtpPort(Side.B), offered.port());
        assertEquals(List.of(toBob.keys().get(0).cryptoAttribute(1)), offered.attributes("crypto"));
        assertNotEquals(alice.ownKey, toBob.keys().get(0), "the caller's key never reaches the callee");
        assertFalse(offered.attribute("rtcp-mux").isPresent(), "rtcp-mux declined");
        assertTrue(offered.attributes("candidate").isEmpty(), "ICE removed");
        assertEquals(Side.A, call.offerer());

        String toAlice = call.answer(Side.B, toBob, PhoneMedia.of(sdp(bob, "sendrecv", 1)), RELAY);

        assertNull(call.offerer(), "nothing open any more");
        assertEquals(call.session().rtpPort(Side.A), medium(toAlice).port());
        SdesKey hubKeyForAlice = key(medium(toAlice));
        assertNotEquals(bob.ownKey, hubKeyForAlice, "the callee's key never reaches the caller");
        assertMediaBothWays(call, alice, bob, hubKeyForAlice, toBob.keys().get(0), 1);
    }

    @Test
    void everyOnwardOfferOfAFirstOfferHasKeysOfItsOwnAndTheAnswerTakesTheTagItNames() throws Exception {
        FakePhone alice = phone(0x0A);
        OfferAnswer call = open(alice);
        OfferAnswer.Onward desk = call.onward(RELAY);
        OfferAnswer.Onward soft = call.onward(RELAY, List.of(S80, S32));

        assertNotEquals(desk.keys().get(0), soft.keys().get(0), "each ringing phone gets a key of its own");
        assertEquals(List.of(S80, S32), soft.keys().stream().map(SdesKey::suite).toList());
        assertEquals(List.of(soft.keys().get(0).cryptoAttribute(1), soft.keys().get(1).cryptoAttribute(2)),
                medium(soft.sdp()).attributes("crypto"));

        SdesKey bobs = SdesKey.generate(S32);
        call.answer(Side.B, soft, PhoneMedia.of(sdp(47000, "sendrecv", 2, bobs)), RELAY);
        assertEquals(bobs.suite(), call.media(Side.B).suite());

        OfferAnswer other = open(phone(0x0C));
        OfferAnswer.Onward one = other.onward(RELAY);
        SdpException refused = assertThrows(SdpException.class,
                () -> other.answer(Side.B, one, PhoneMedia.of(sdp(47000, "sendrecv", 2, bobs)), RELAY));
        assertEquals("the answer's a=crypto 2 AES_CM_128_HMAC_SHA1_32 was not offered", refused.getMessage());
        assertEquals(Side.A, other.offerer(), "a refused answer leaves the offer open");
    }

    @Test
    void aReofferWithTheSameKeysKeepsEveryHubKeySoMediaGoesOn() throws Exception {
        Answered c = answeredCall();
        assertMediaBothWays(c.call(), c.alice(), c.bob(), c.forAlice(), c.forBob(), 1);

        c.call().offer(Side.A, PhoneMedia.of(sdp(c.alice(), "sendrecv", 1)));
        OfferAnswer.Onward again = c.call().onward(RELAY);
        assertEquals(c.forBob(), again.keys().get(0), "the caller kept its key: so does the leg carrying its packets");
        String answer = c.call().answer(Side.B, again, PhoneMedia.of(sdp(c.bob(), "sendrecv", 1)), RELAY);
        assertEquals(c.forAlice(), key(medium(answer)), "the callee kept its key: so does the caller's leg");

        assertMediaBothWays(c.call(), c.alice(), c.bob(), c.forAlice(), c.forBob(), 10);
    }

    @Test
    void aReofferWithANewKeyGivesTheLegCarryingItsPacketsAFreshHubKeyOnlyWithItsAnswer() throws Exception {
        Answered answered = answeredCall();
        OfferAnswer call = answered.call();
        FakePhone alice = answered.alice();
        FakePhone bob = answered.bob();
        SdesKey forAlice = answered.forAlice();
        SdesKey forBob = answered.forBob();
        assertMediaBothWays(call, alice, bob, forAlice, forBob, 1);

        FakePhone rekeyed = phone(0x1A);
        call.offer(Side.A, PhoneMedia.of(sdp(rekeyed.address().getPort(), "sendrecv", 1, rekeyed.ownKey)));
        OfferAnswer.Onward fresh = call.onward(RELAY);
        assertNotEquals(forBob, fresh.keys().get(0), "the caller's new key may restart its sequence: a new hub key");
        assertMediaBothWays(call, alice, bob, forAlice, forBob, 10);

        String answer = call.answer(Side.B, fresh, PhoneMedia.of(sdp(bob, "sendrecv", 1)), RELAY);
        assertEquals(forAlice, key(medium(answer)), "the callee changed nothing: its packets keep their key");
        assertMediaBothWays(call, rekeyed, bob, forAlice, fresh.keys().get(0), 1000);
    }

    @Test
    void aReofferThatFailsChangesNothing() throws Exception {
        Answered answered = answeredCall();
        OfferAnswer call = answered.call();

        call.offer(Side.A, PhoneMedia.of(sdp(47000, "sendrecv", 1, SdesKey.generate(S80))));
        call.onward(RELAY);
        call.offerFailed();

        assertNull(call.offerer());
        assertThrows(SdpException.class, () -> call.onward(RELAY), "no offer is open");
        assertMediaBothWays(call, answered.alice(), answered.bob(), answered.forAlice(), answered.forBob(), 1);
    }

    @Test
    void holdAndResumeAreReoffersThatKeepTheKeys() throws Exception {
        Answered answered = answeredCall();
        OfferAnswer call = answered.call();
        FakePhone alice = answered.alice();
        FakePhone bob = answered.bob();
        assertFalse(call.onHold());

        call.offer(Side.B, PhoneMedia.of(sdp(bob, "sendonly", 1)));
        OfferAnswer.Onward hold = call.onward(RELAY);
        assertEquals("sendonly", medium(hold.sdp()).direction(SessionDescription.parse(hold.sdp())));
        assertFalse(call.onHold(), "staged: not yet on hold");
        call.answer(Side.A, hold, PhoneMedia.of(sdp(alice, "recvonly", 1)), RELAY);
        assertTrue(call.onHold());

        call.offer(Side.B, PhoneMedia.of(sdp(bob, "sendrecv", 1)));
        OfferAnswer.Onward resume = call.onward(RELAY);
        assertEquals(hold.keys(), resume.keys(), "the caller's leg keeps its hub key through hold and resume");
        call.answer(Side.A, resume, PhoneMedia.of(sdp(alice, "sendrecv", 1)), RELAY);
        assertFalse(call.onHold());
    }

    @Test
    void theFirstOfferersRtcpMuxIsKeptOnlyWhenAsked() throws Exception {
        FakePhone alice = phone(0x0A);
        String muxing = sdp(alice, "sendrecv", 1).replace("a=ptime:20\r\n", "a=ptime:20\r\na=rtcp-mux\r\n");
        OfferAnswer kept = OfferAnswer.open(relay, "mux", RelayMode.TERMINATION, OfferAnswer.Mux.FIRST_OFFERERS,
                PhoneMedia.of(muxing));
        OfferAnswer.Onward toBob = kept.onward(RELAY);
        assertFalse(medium(toBob.sdp()).attribute("rtcp-mux").isPresent(), "the callee's leg is a port pair");
        String answer = kept.answer(Side.B, toBob, PhoneMedia.of(sdp(47000, "sendrecv", 1, SdesKey.generate(S80))),
                RELAY);
        assertTrue(medium(answer).attribute("rtcp-mux").isPresent(), "the caller keeps its rtcp-mux");

        OfferAnswer declined = OfferAnswer.open(relay, "pair", RelayMode.TERMINATION, OfferAnswer.Mux.DECLINED,
                PhoneMedia.of(muxing));
        OfferAnswer.Onward onward = declined.onward(RELAY);
        String paired = declined.answer(Side.B, onward, PhoneMedia.of(sdp(47000, "sendrecv", 1,
                SdesKey.generate(S80))), RELAY);
        assertFalse(medium(paired).attribute("rtcp-mux").isPresent(), "declined to the caller too");
    }

    @Test
    void passthroughHandsEachPhoneTheOthersOwnKey() throws Exception {
        FakePhone alice = phone(0x0A);
        OfferAnswer call = OfferAnswer.open(relay, "pass", RelayMode.PASSTHROUGH, OfferAnswer.Mux.DECLINED,
                PhoneMedia.of(sdp(alice, "sendrecv", 1)));
        OfferAnswer.Onward toBob = call.onward(RELAY);
        assertTrue(toBob.keys().isEmpty());
        assertEquals(List.of("1 AES_CM_128_HMAC_SHA1_80 " + alice.ownKey.inline()),
                medium(toBob.sdp()).attributes("crypto"));
        SdesKey bobs = SdesKey.generate(S80);
        String answer = call.answer(Side.B, toBob, PhoneMedia.of(sdp(47000, "sendrecv", 1, bobs)), RELAY);
        assertEquals(List.of("1 AES_CM_128_HMAC_SHA1_80 " + bobs.inline()), medium(answer).attributes("crypto"));
    }

    @Test
    void theHubOffersAWebRtcCalleeDtlsSrtpAndRefusesAnSdesAnswerToIt() throws Exception {
        FakePhone alice = phone(0x0A);
        FakePhone bob = phone(0x0B);
        try (DtlsSrtpLegs dtlsLegs = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, new SimpleMeterRegistry(),
                2)) {
            OfferAnswer call = OfferAnswer.open(relay, "call-webrtc", RelayMode.TERMINATION,
                    OfferAnswer.Mux.FIRST_OFFERERS, PhoneMedia.of(sdp(alice, "sendrecv", 1)), dtlsLegs);
            OfferAnswer.Onward toBrowser = call.onwardToWebRtc(RELAY);

            MediaDescription offered = medium(toBrowser.sdp());
            assertEquals("UDP/TLS/RTP/SAVPF", offered.protocol());
            assertEquals("actpass", offered.attribute("setup").orElseThrow());
            assertEquals(dtlsLegs.fingerprint().sdpValue(), offered.attribute("fingerprint").orElseThrow());
            assertEquals(toBrowser.webRtc().iceUfrag(), offered.attribute("ice-ufrag").orElseThrow());
            assertTrue(offered.attributes("crypto").isEmpty() && offered.attribute("rtcp-mux").isPresent());
            assertTrue(toBrowser.keys().isEmpty(), "no SDES key goes to a browser");
            assertTrue(toBrowser.sdp().contains("a=ice-lite") && toBrowser.sdp().contains("a=group:BUNDLE 0"));
            assertTrue(!call.onwardToWebRtc(RELAY).webRtc().iceUfrag().equals(toBrowser.webRtc().iceUfrag()),
                    "each ringing browser gets credentials of its own");

            SdpException sdes = assertThrows(SdpException.class, () -> call.answer(Side.B, toBrowser,
                    PhoneMedia.of(sdp(bob, "sendrecv", 1)), RELAY));
            assertEquals("an SDES answer to the hub's DTLS-SRTP offer", sdes.getMessage());
            assertNull(call.dtlsLeg(Side.B));
        }
    }

    @Test
    void withoutDtlsLegsTheHubOffersNoDtls() throws Exception {
        OfferAnswer call = OfferAnswer.open(relay, "call-sdes", RelayMode.TERMINATION, OfferAnswer.Mux.DECLINED,
                PhoneMedia.of(sdp(phone(0x0C), "sendrecv", 1)));

        SdpException refused = assertThrows(SdpException.class, () -> call.onwardToWebRtc(RELAY));
        assertEquals("the hub offers DTLS-SRTP only where it terminates SRTP with DTLS legs", refused.getMessage());
    }

    @Test
    void plainRtpAndBadSdpAreRefusedAndTakeNoPort() throws Exception {
        FakePhone alice = phone(0x0A);
        String plain = sdp(alice, "sendrecv", 1).replace("RTP/SAVP", "RTP/AVP");
        SrtpRequired srtp = assertThrows(SrtpRequired.class, () -> PhoneMedia.of(plain));
        assertEquals("the offer has RTP/AVP audio only", srtp.getMessage());
        assertThrows(SdpException.class, () -> PhoneMedia.of("v=1\r\nthis is not sdp\r\n"));
        assertEquals("there is no SDP body", assertThrows(SdpException.class, () -> PhoneMedia.of(null)).getMessage());

        PhoneMedia badKey = PhoneMedia.of(sdp(alice, "sendrecv", 1).replace("inline:", "inline:!!"));
        SdpException key = assertThrows(SdpException.class, () -> OfferAnswer.open(relay, "bad", RelayMode.TERMINATION,
                OfferAnswer.Mux.DECLINED, badKey));
        assertTrue(key.getMessage().startsWith("bad a=crypto 1: "), key.getMessage());
        assertEquals(freePorts, relay.freePorts(), "nothing allocated for a refused offer");
    }

    @Test
    void aReofferOrAnswerThatMovesTheAudioOrComesFromTheWrongSideIsRefused() throws Exception {
        FakePhone alice = phone(0x0A);
        OfferAnswer call = open(alice);
        OfferAnswer.Onward toBob = call.onward(RELAY);
        String moved = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video 0 RTP/SAVP 96\r\n" + sdp(alice, "sendrecv", 1).substring(sdp(alice, "sendrecv", 1)
                .indexOf("m=audio"));

        assertEquals("the answer relays m-line 2, the offer m-line 1", assertThrows(SdpException.class,
                () -> call.answer(Side.B, toBob, PhoneMedia.of(moved), RELAY)).getMessage());
        assertEquals("an answer from A with no offer from the other side open", assertThrows(SdpException.class,
                () -> call.answer(Side.A, toBob, PhoneMedia.of(sdp(alice, "sendrecv", 1)), RELAY)).getMessage());
        call.answer(Side.B, toBob, PhoneMedia.of(sdp(47000, "sendrecv", 1, SdesKey.generate(S80))), RELAY);
        assertEquals("call call-open relays m-line 1, the re-offer m-line 2", assertThrows(SdpException.class,
                () -> call.offer(Side.A, PhoneMedia.of(moved))).getMessage());
        assertNull(call.offerer());
    }

    /** A call alice offered and bob answered, with the hub's key for each. */
    private record Answered(OfferAnswer call, FakePhone alice, FakePhone bob, SdesKey forAlice, SdesKey forBob) {
    }

    private Answered answeredCall() throws Exception {
        FakePhone alice = phone(0x0A);
        FakePhone bob = phone(0x0B);
        OfferAnswer call = open(alice);
        OfferAnswer.Onward toBob = call.onward(RELAY);
        SdesKey forAlice = key(medium(call.answer(Side.B, toBob, PhoneMedia.of(sdp(bob, "sendrecv", 1)), RELAY)));
        return new Answered(call, alice, bob, forAlice, toBob.keys().get(0));
    }

    private OfferAnswer open(FakePhone caller) throws Exception {
        return OfferAnswer.open(relay, "call-open", RelayMode.TERMINATION, OfferAnswer.Mux.DECLINED,
                PhoneMedia.of(sdp(caller, "sendrecv", 1)));
    }

    private FakePhone phone(int ssrc) throws Exception {
        FakePhone phone = new FakePhone(ssrc, SdesKey.generate(S80), null);
        loopback.closeAfter(phone);
        return phone;
    }

    /**
     * Both phones told the hub's keys and ports: B sends first so the relay latches it, then a packet
     * goes each way from sequence number {@code seq} and arrives decrypted under the receiver's key.
     */
    private void assertMediaBothWays(OfferAnswer call, FakePhone a, FakePhone b, SdesKey forA, SdesKey forB, int seq)
            throws Exception {
        a.receiveWith(forA);
        b.receiveWith(forB);
        a.sendTo(call.session().rtpPort(Side.A));
        b.sendTo(call.session().rtpPort(Side.B));
        b.sendRtp(seq, seq * 160);
        for (int i = 0; i < 250 && !b.address().equals(relay.stats(call.session()).leg(Side.B).received().latchedRtp());
                i++) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        a.sendRtp(seq + 1, (seq + 1) * 160);
        assertArrayEquals(FakePhone.plainRtp(a.ssrc, seq + 1, (seq + 1) * 160), b.receiveRtp(),
                "A's packet reached B under B's hub key");
        b.sendRtp(seq + 2, (seq + 2) * 160);
        byte[] received = a.receiveRtp();
        if (Arrays.equals(FakePhone.plainRtp(b.ssrc, seq, seq * 160), received)) {
            // A was latched already, so B's first packet reached it too.
            received = a.receiveRtp();
        }
        assertArrayEquals(FakePhone.plainRtp(b.ssrc, seq + 2, (seq + 2) * 160), received,
                "B's packet reached A under A's hub key");
    }

    private static String sdp(FakePhone phone, String direction, int tag) {
        return sdp(phone.address().getPort(), direction, tag, phone.ownKey);
    }

    /** A desk phone's SDP: G.711 and telephone-event, an ICE candidate the hub removes. */
    private static String sdp(int port, String direction, int tag, SdesKey key) {
        return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=" + direction + "\r\n"
                + "a=candidate:1 1 udp 2130706431 192.0.2.10 " + port + " typ host\r\n"
                + "a=crypto:" + tag + " " + key.suite().name() + " " + key.inline() + "\r\n";
    }

    private static MediaDescription medium(String sdp) throws Exception {
        return SessionDescription.parse(sdp).media().get(0);
    }

    /** The key of the relay's first a=crypto line, read by the phone emulator's SDES code. */
    private static SdesKey key(MediaDescription medium) throws Exception {
        MasterKey key = CryptoLine.parse(medium.attributes("crypto").get(0)).key();
        return new SdesKey(SrtpSuite.valueOf(key.suite().name()), key.key(), key.salt());
    }
}
