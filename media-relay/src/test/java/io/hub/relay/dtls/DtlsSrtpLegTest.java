package io.hub.relay.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.MasterKey;
import io.hub.pki.MutableClock;
import io.hub.relay.FakePhone;
import io.hub.relay.LegSpec;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.offer.OfferAnswer;
import io.hub.relay.offer.PhoneMedia;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpContext;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.srtp.Verdict;
import io.hub.relay.stun.IceCredentials;
import io.hub.relay.stun.StunMessage;
import io.hub.relay.stun.StunMessageBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's DTLS-SRTP leg and a desk phone's SDES leg on one relay session, on loopback: ICE-lite
 * consent, the DTLS handshake, then G.711-sized SRTP both ways, re-keyed per leg by the hub. The
 * "browser" is a socket with its own certificate and Bouncy Castle DTLS client. The SDP side goes
 * through the relay's offer/answer adapter ({@link OfferAnswer}): the browser completes ICE and DTLS
 * from the hub's answer alone.
 */
class DtlsSrtpLegTest {

    private static final SrtpSuite S80 = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    private static final String RELAY = "127.0.0.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<DtlsLegReport> hubReports = new LinkedBlockingQueue<>();
    private final BlockingQueue<DtlsLegReport> browserReports = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private MediaRelay relay;
    private DtlsSrtpLegs hub;
    private DtlsSrtpLegs browserSide;

    @BeforeEach
    void start() throws Exception {
        relay = new MediaRelay(new RelayConfig(FakePhone.LOOPBACK, 20000, 29999, Duration.ofSeconds(60), 8000), clock,
                registry, dead -> { });
        relay.start();
        hub = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, registry, hubReports::add, 4);
        browserSide = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, new SimpleMeterRegistry(),
                browserReports::add, 2);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        hub.close();
        browserSide.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aBrowsersDtlsSrtpLegAndAPhonesSdesLegHearEachOther() throws Exception {
        Call call = call();
        SocketPeer browser = call.browser;

        byte[] check = check(call.ice, "browserUfrag", call.ice.integrityKey(), 1, true);
        browser.send(check, call.hubAddress);
        StunMessage answer = parse(browser.nextStun());
        assertTrue(answer.integrityMatches(call.ice.integrityKey()));
        assertEquals(browser.address(), answer.xorMappedAddress());

        DtlsSrtpLeg browserLeg = browserSide.create(browser, DtlsRole.CLIENT, hub.fingerprint(), null);
        browser.leg = browserLeg;
        browserLeg.connect(call.hubAddress);
        DtlsLegReport hubReport = hubReports.poll(30, TimeUnit.SECONDS);
        assertNotNull(hubReport);
        assertNull(hubReport.failure());
        assertEquals(browser.address(), hubReport.peer());
        SdesKey[] browserKeys = browser.keys.poll(30, TimeUnit.SECONDS);
        assertNotNull(browserKeys);
        SrtpContext browserSends = new SrtpContext(browserKeys[1]);
        SrtpContext browserReceives = new SrtpContext(browserKeys[0]);

        // Each side latches on its first authenticated packet; the relay sends to neither before that.
        call.phone.sendRtp(0, 0);
        awaitLatched(call.session, Side.B);
        for (int seq = 1; seq <= 20; seq++) {
            browser.send(protect(browserSends, 0x1111, seq), call.hubAddress);
            if (seq == 1) {
                awaitLatched(call.session, Side.A);
            }
            call.phone.sendRtp(seq, seq * 160);
        }
        for (int seq = 1; seq <= 20; seq++) {
            assertArrayEquals(FakePhone.plainRtp(0x1111, seq, seq * 160), call.phone.receiveRtp(), "browser packet " + seq);
        }
        int heard = 0;
        for (int i = 0; i < 20; i++) {
            byte[] wire = browser.nextMedia();
            assertNotNull(wire, "phone packet " + i);
            ByteBuffer packet = ByteBuffer.wrap(wire);
            assertEquals(Verdict.OK, browserReceives.unprotectRtp(packet));
            heard++;
        }
        assertEquals(20, heard, "the phone's packets after the browser latched");
        assertEquals(1.0, registry.get("hub.relay.stun.answered").counter().count());
    }

    @Test
    void foreignAndReplayedChecksAreDroppedAndCounted() throws Exception {
        Call call = call();
        SocketPeer browser = call.browser;
        SocketPeer attacker = peer();

        browser.send(check(call.ice, "otherUfrag", call.ice.integrityKey(), 1, false), call.hubAddress);
        browser.send(check(call.ice, "browserUfrag", "guess".getBytes(StandardCharsets.UTF_8), 2, false), call.hubAddress);
        byte[] good = check(call.ice, "browserUfrag", call.ice.integrityKey(), 3, false);
        browser.send(good, call.hubAddress);
        // One port, one I/O thread, read in order: once the good check is answered, both bad ones were handled.
        assertArrayEquals(id(3), parse(browser.nextStun()).transactionId(), "the only answer is to the good check");
        attacker.send(good, call.hubAddress);
        browser.send(check(call.ice, "browserUfrag", call.ice.integrityKey(), 4, false), call.hubAddress);
        assertArrayEquals(id(4), parse(browser.nextStun()).transactionId());

        assertEquals(1.0, registry.get("hub.relay.stun.dropped").tag("reason", "foreign_username").counter().count());
        assertEquals(1.0, registry.get("hub.relay.stun.dropped").tag("reason", "bad_integrity").counter().count());
        assertEquals(1.0, registry.get("hub.relay.stun.dropped").tag("reason", "replayed").counter().count());
        assertTrue(attacker.stun.isEmpty(), "the replayed check got no answer");
        assertEquals(browser.address(), call.leg.ice().consented());
    }

    @Test
    void dtlsFromAnAddressThatPassedNoCheckIsDropped() throws Exception {
        Call call = call();
        SocketPeer stranger = peer();
        DtlsSrtpLeg strangerLeg = browserSide.create(stranger, DtlsRole.CLIENT, hub.fingerprint(), null);
        stranger.leg = strangerLeg;
        strangerLeg.connect(call.hubAddress);

        // The stranger's client times out on its own; the hub never starts a handshake for it.
        DtlsLegReport strangerReport = browserReports.poll(60, TimeUnit.SECONDS);
        assertNotNull(strangerReport);
        assertEquals(DtlsFailure.TIMEOUT, strangerReport.failure());
        assertEquals(DtlsSrtpLeg.State.WAITING, call.leg.state());
        assertTrue(registry.get("hub.relay.dtls.dropped").tag("reason", "no_consent").counter().count() >= 1);
    }

    @Test
    void aClientHelloFloodOnOneLegDoesNotStallAnotherCall() throws Exception {
        RelaySession flooded = relay.allocate("flooded@hub", RelayMode.TERMINATION,
                LegSpec.termination(true, null, null, null), LegSpec.termination(false, null, SdesKey.generate(S80),
                        SdesKey.generate(S80)));
        DtlsSrtpLeg noIce = hub.create(relay.legPort(flooded, Side.A), DtlsRole.SERVER, browserSide.fingerprint(), null);
        relay.attach(flooded, Side.A, noIce);
        SdesKey aKey = SdesKey.generate(S80);
        SdesKey bKey = SdesKey.generate(S80);
        SdesKey hubForA = SdesKey.generate(S80);
        SdesKey hubForB = SdesKey.generate(S80);
        RelaySession other = relay.allocate("other-call@hub", RelayMode.TERMINATION,
                LegSpec.termination(false, null, aKey, hubForA), LegSpec.termination(false, null, bKey, hubForB));
        FakePhone a = new FakePhone(0xa, aKey, hubForA);
        FakePhone b = new FakePhone(0xb, bKey, hubForB);
        closing.add(a);
        closing.add(b);
        a.sendTo(other.rtpPort(Side.A));
        b.sendTo(other.rtpPort(Side.B));
        SocketPeer flooder = peer();
        InetSocketAddress floodedPort = new InetSocketAddress(FakePhone.LOOPBACK, flooded.rtpPort(Side.A));

        byte[] hello = clientHello();
        for (int i = 0; i < 2000; i++) {
            flooder.send(hello, floodedPort);
        }
        a.sendRtp(0, 0);
        b.sendRtp(0, 0);
        assertArrayEquals(FakePhone.plainRtp(0xb, 0, 0), a.receiveRtp(), "B's first packet, A having latched");
        for (int seq = 1; seq <= 50; seq++) {
            a.sendRtp(seq, seq * 160);
            b.sendRtp(seq, seq * 160);
        }

        for (int seq = 1; seq <= 50; seq++) {
            assertArrayEquals(FakePhone.plainRtp(0xa, seq, seq * 160), b.receiveRtp(), "A's packet " + seq);
            assertArrayEquals(FakePhone.plainRtp(0xb, seq, seq * 160), a.receiveRtp(), "B's packet " + seq);
        }
        byte[] reply = flooder.dtls.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "the flood is answered statelessly");
        assertEquals(22, reply[0], "a handshake record");
        assertEquals(3, reply[13], "HelloVerifyRequest");
        assertEquals(DtlsSrtpLeg.State.WAITING, noIce.state(), "no handshake started for a cookie-less hello");
        assertTrue(registry.get("hub.relay.dtls.dropped").tag("reason", "cookie_exchange").counter().count() >= 1);
    }

    @Test
    void aBrowsersOfferGetsTheHubsDtlsAnswerAndTheDeskPhoneAnSdesOffer() throws Exception {
        SocketPeer browser = peer();
        OfferAnswer call = OfferAnswer.open(relay, "webrtc@hub", RelayMode.TERMINATION,
                PhoneMedia.ofSdesOrDtls(browserOffer(browser.localPort(), "actpass")), hub);
        OfferAnswer.Onward toPhone = call.onward(RELAY);

        SessionDescription offered = SessionDescription.parse(toPhone.sdp());
        MediaDescription phoneSide = offered.media().get(0);
        assertEquals("RTP/SAVP", phoneSide.protocol(), "the desk phone's leg stays SDES");
        assertEquals(List.of(toPhone.keys().get(0).cryptoAttribute(1)), phoneSide.attributes("crypto"));
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, toPhone.keys().get(0).suite());
        for (String webrtc : List.of("fingerprint", "setup", "mid", "ice-ufrag", "ice-pwd", "candidate", "rtcp-mux")) {
            assertTrue(phoneSide.attributes(webrtc).isEmpty(), "no a=" + webrtc + " for the desk phone");
        }
        assertFalse(offered.sessionLine("a=group").isPresent());

        SdesKey phoneKey = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        FakePhone phone = new FakePhone(0x2222, phoneKey, key(phoneSide));
        closing.add(phone);
        String answer = call.answer(Side.B, toPhone, PhoneMedia.of(phoneAnswer(phone.address().getPort(), phoneKey)),
                RELAY);

        SessionDescription toBrowser = SessionDescription.parse(answer);
        MediaDescription audio = toBrowser.media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol());
        assertEquals(call.session().rtpPort(Side.A), audio.port());
        assertEquals(List.of(hub.fingerprint().sdpValue()), audio.attributes("fingerprint"));
        assertEquals(List.of("passive"), audio.attributes("setup"), "an actpass offer is answered passive (RFC 8842)");
        assertEquals(List.of("1 1 udp 2130706431 " + RELAY + " " + call.session().rtpPort(Side.A) + " typ host"),
                audio.attributes("candidate"));
        assertTrue(audio.attribute("rtcp-mux").isPresent());
        assertEquals(List.of("0"), audio.attributes("mid"));
        assertTrue(audio.attributes("crypto").isEmpty(), "no SDES key toward the browser");
        assertTrue(toBrowser.sessionLine("a=ice-lite").isPresent());
        assertEquals("a=group:BUNDLE 0", toBrowser.sessionLine("a=group:").orElseThrow());
        assertEquals(DtlsRole.SERVER, call.dtlsLeg(Side.A).role());

        // The browser goes by the answer alone: ICE check with the hub's credentials, then DTLS.
        IceCredentials hubIce = new IceCredentials(audio.attribute("ice-ufrag").orElseThrow(),
                audio.attribute("ice-pwd").orElseThrow(), "browserUfrag", "browserPasswordOf24Chars");
        InetSocketAddress hubPort = new InetSocketAddress(FakePhone.LOOPBACK, audio.port());
        browser.send(check(hubIce, "browserUfrag", hubIce.integrityKey(), 9, true), hubPort);
        StunMessage consent = parse(browser.nextStun());
        assertTrue(consent.integrityMatches(hubIce.integrityKey()));
        DtlsSrtpLeg browserLeg = browserSide.create(browser, DtlsRole.CLIENT,
                Fingerprint.parse(audio.attribute("fingerprint").orElseThrow()), null);
        browser.leg = browserLeg;
        browserLeg.connect(hubPort);
        DtlsLegReport report = hubReports.poll(30, TimeUnit.SECONDS);
        assertNotNull(report);
        assertNull(report.failure());
        SdesKey[] browserKeys = browser.keys.poll(30, TimeUnit.SECONDS);
        assertNotNull(browserKeys);

        SrtpContext browserSends = new SrtpContext(browserKeys[1]);
        SrtpContext browserReceives = new SrtpContext(browserKeys[0]);
        phone.sendTo(call.session().rtpPort(Side.B));
        phone.sendRtp(0, 0);
        awaitLatched(call.session(), Side.B);
        browser.send(protect(browserSends, 0x1111, 1), hubPort);
        assertArrayEquals(FakePhone.plainRtp(0x1111, 1, 160), phone.receiveRtp(), "the browser is heard under SDES");
        awaitLatched(call.session(), Side.A);
        phone.sendRtp(1, 160);
        byte[] wire = browser.nextMedia();
        assertNotNull(wire, "the phone's packet came");
        ByteBuffer heard = ByteBuffer.wrap(wire);
        assertEquals(Verdict.OK, browserReceives.unprotectRtp(heard), "the phone is heard under DTLS-SRTP keys");
    }

    @Test
    void aPassiveBrowserMakesTheHubTheDtlsClient() throws Exception {
        SocketPeer browser = peer();
        OfferAnswer call = OfferAnswer.open(relay, "passive@hub", RelayMode.TERMINATION,
                PhoneMedia.ofSdesOrDtls(browserOffer(browser.localPort(), "passive")), hub);
        OfferAnswer.Onward toPhone = call.onward(RELAY);
        String answer = call.answer(Side.B, toPhone, PhoneMedia.of(phoneAnswer(47000,
                SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80))), RELAY);

        assertEquals(List.of("active"), SessionDescription.parse(answer).media().get(0).attributes("setup"));
        assertEquals(DtlsRole.CLIENT, call.dtlsLeg(Side.A).role());
    }

    @Test
    void aDtlsOfferIsRefusedWhereTheHubDoesNotBridgeItAndABadOneTakesNoPort() throws Exception {
        int free = relay.freePorts();
        String offer = browserOffer(47000, "actpass");

        SrtpRequired sdesOnly = assertThrows(SrtpRequired.class, () -> PhoneMedia.of(offer));
        assertTrue(sdesOnly.getMessage().startsWith("no audio stream offers RTP/SAVP"), sdesOnly.getMessage());
        assertThrows(SrtpRequired.class, () -> OfferAnswer.open(relay, "x", RelayMode.TERMINATION,
                OfferAnswer.Mux.DECLINED, PhoneMedia.ofSdesOrDtls(offer)), "no DTLS legs given: refused");
        assertEquals("DTLS-SRTP is bridged only when the hub terminates SRTP, not in PASSTHROUGH",
                assertThrows(SdpException.class, () -> OfferAnswer.open(relay, "x", RelayMode.PASSTHROUGH,
                        PhoneMedia.ofSdesOrDtls(offer), hub)).getMessage());
        assertThrows(SdpException.class, () -> OfferAnswer.open(relay, "x", RelayMode.TERMINATION,
                PhoneMedia.ofSdesOrDtls(browserOffer(47000, "holdconn")), hub));
        SdpException md5 = assertThrows(SdpException.class, () -> PhoneMedia.ofSdesOrDtls(offer
                .replaceFirst("a=fingerprint:sha-256 [^\r]*", "a=fingerprint:md5 00:11")));
        assertTrue(md5.getMessage().contains("md5"), md5.getMessage());
        assertThrows(SrtpRequired.class, () -> PhoneMedia.ofSdesOrDtls(offer.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP")),
                "plain RTP is refused");
        assertEquals(free, relay.freePorts());
    }

    /** A browser's WebRTC offer: Opus and G.711, DTLS-SRTP, ICE, rtcp-mux, bundled. */
    private String browserOffer(int port, String setup) {
        return "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "a=msid-semantic: WMS\r\n"
                + "m=audio " + port + " UDP/TLS/RTP/SAVPF 111 0 8\r\nc=IN IP4 127.0.0.1\r\n"
                + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=candidate:1 1 udp 2122260223 127.0.0.1 " + port + " typ host\r\n"
                + "a=ice-ufrag:browserUfrag\r\na=ice-pwd:browserPasswordOf24Chars\r\na=ice-options:trickle\r\n"
                + "a=fingerprint:" + browserSide.fingerprint().sdpValue() + "\r\n"
                + "a=setup:" + setup + "\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\na=ssrc:1111 cname:browser\r\n";
    }

    private static String phoneAnswer(int port, SdesKey key) {
        return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + key.inline() + "\r\n";
    }

    private static SdesKey key(MediaDescription medium) throws Exception {
        MasterKey key = CryptoLine.parse(medium.attributes("crypto").get(0)).key();
        return new SdesKey(SrtpSuite.valueOf(key.suite().name()), key.key(), key.salt());
    }

    /** A DTLS 1.2 ClientHello with no cookie: what a flood sends. */
    private static byte[] clientHello() {
        ByteBuffer body = ByteBuffer.allocate(42);
        body.put((byte) 0xfe).put((byte) 0xfd).put(new byte[32]).put((byte) 0).put((byte) 0)
                .putShort((short) 2).putShort((short) 0xc02b).put((byte) 1).put((byte) 0);
        ByteBuffer record = ByteBuffer.allocate(13 + 12 + 42);
        record.put((byte) 22).put((byte) 0xfe).put((byte) 0xfd).putShort((short) 0).put(new byte[6]).putShort((short) 54);
        record.put((byte) 1).put((byte) 0).putShort((short) 42).putShort((short) 0).put(new byte[3])
                .put((byte) 0).putShort((short) 42).put(body.array());
        return record.array();
    }

    private record Call(RelaySession session, DtlsSrtpLeg leg, IceCredentials ice, InetSocketAddress hubAddress,
                        SocketPeer browser, FakePhone phone) {
    }

    /** A call browser (A, DTLS-SRTP, ICE) to phone (B, SDES), the hub answering as DTLS server. */
    private Call call() throws Exception {
        SdesKey phoneKey = SdesKey.generate(S80);
        SdesKey hubKeyForPhone = SdesKey.generate(S80);
        RelaySession session = relay.allocate("browser-call@hub", RelayMode.TERMINATION,
                LegSpec.termination(true, null, null, null), LegSpec.termination(false, null, phoneKey, hubKeyForPhone));
        SocketPeer browser = peer();
        IceCredentials ice = IceCredentials.generate("browserUfrag", "browserPasswordOf24Chars");
        DtlsSrtpLeg leg = hub.attach(relay, session, Side.A, DtlsRole.SERVER, browserSide.fingerprint(), ice, null);
        FakePhone phone = new FakePhone(0x2222, phoneKey, hubKeyForPhone);
        closing.add(phone);
        phone.sendTo(session.rtpPort(Side.B));
        return new Call(session, leg, ice, new InetSocketAddress(FakePhone.LOOPBACK, session.rtpPort(Side.A)), browser, phone);
    }

    /** Bounded: the relay's I/O thread latches within a few packets' time on loopback. */
    private void awaitLatched(RelaySession session, Side side) {
        for (int i = 0; i < 10_000; i++) {
            if (relay.stats(session).leg(side).received().latchedRtp() != null) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        throw new AssertionError("leg " + side + " never latched");
    }

    private SocketPeer peer() throws Exception {
        SocketPeer peer = new SocketPeer();
        closing.add(peer);
        return peer;
    }

    private static byte[] check(IceCredentials hubIce, String peerUfrag, byte[] key, int n, boolean nominate) {
        StunMessageBuilder builder = new StunMessageBuilder(StunMessage.BINDING_REQUEST, id(n))
                .username(hubIce.localUfrag() + ":" + peerUfrag)
                .attribute(StunMessage.PRIORITY, new byte[] {0x6e, 0, 0x01, (byte) 0xff})
                .attribute(StunMessage.ICE_CONTROLLING, new byte[8]);
        if (nominate) {
            builder.attribute(StunMessage.USE_CANDIDATE, new byte[0]);
        }
        return builder.build(key, true);
    }

    private static byte[] id(int n) {
        byte[] id = new byte[12];
        id[0] = 0x17;
        id[11] = (byte) n;
        return id;
    }

    private static StunMessage parse(byte[] wire) throws Exception {
        assertNotNull(wire, "an answer came");
        return StunMessage.parse(wire, 0, wire.length);
    }

    private static byte[] protect(SrtpContext context, int ssrc, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(12 + 160 + 64).put(FakePhone.plainRtp(ssrc, seq, seq * 160)).flip();
        context.protectRtp(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }
}
