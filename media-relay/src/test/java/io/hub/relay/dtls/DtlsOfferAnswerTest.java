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
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.RelayMode;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebRTC offer (DTLS-SRTP, ICE, rtcp-mux) through the relay's one offer/answer adapter to a desk
 * phone that speaks SDES: the desk phone gets an SDES offer, the browser the hub's DTLS answer, and
 * a browser built on its own certificate and DTLS client completes ICE and DTLS from that answer
 * alone, then hears and is heard by the phone.
 */
class DtlsOfferAnswerTest {

    private static final String RELAY = "127.0.0.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<DtlsLegReport> hubReports = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private MediaRelay relay;
    private DtlsSrtpLegs hub;
    private DtlsSrtpLegs browserSide;

    @BeforeEach
    void start() throws Exception {
        relay = new MediaRelay(new RelayConfig(FakePhone.LOOPBACK, 46000, 46999, Duration.ofSeconds(60), 8000), clock,
                registry, dead -> { });
        relay.start();
        hub = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, registry, hubReports::add, 2);
        browserSide = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, new SimpleMeterRegistry(), r -> { }, 2);
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
        browser.send(check(hubIce), hubPort);
        byte[] consentWire = next(browser.stun);
        StunMessage consent = StunMessage.parse(consentWire, 0, consentWire.length);
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
        awaitLatched(call, Side.B);
        browser.send(protect(browserSends, 0x1111, 1), hubPort);
        assertArrayEquals(FakePhone.plainRtp(0x1111, 1, 160), phone.receiveRtp(), "the browser is heard under SDES");
        awaitLatched(call, Side.A);
        phone.sendRtp(1, 160);
        ByteBuffer heard = ByteBuffer.wrap(next(browser.media));
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

    private static byte[] check(IceCredentials hubIce) {
        byte[] id = new byte[12];
        id[0] = 0x42;
        return new StunMessageBuilder(StunMessage.BINDING_REQUEST, id)
                .username(hubIce.localUfrag() + ":browserUfrag")
                .attribute(StunMessage.PRIORITY, new byte[] {0x6e, 0, 0x01, (byte) 0xff})
                .attribute(StunMessage.ICE_CONTROLLING, new byte[8])
                .attribute(StunMessage.USE_CANDIDATE, new byte[0])
                .build(hubIce.integrityKey(), true);
    }

    private static byte[] next(BlockingQueue<byte[]> queue) throws InterruptedException {
        byte[] wire = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(wire, "a datagram came");
        return wire;
    }

    private static byte[] protect(SrtpContext context, int ssrc, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(12 + 160 + 64).put(FakePhone.plainRtp(ssrc, seq, seq * 160)).flip();
        context.protectRtp(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }

    private void awaitLatched(OfferAnswer call, Side side) {
        for (int i = 0; i < 10_000; i++) {
            if (relay.stats(call.session()).leg(side).received().latchedRtp() != null) {
                return;
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new AssertionError("leg " + side + " never latched");
    }

    private SocketPeer peer() throws Exception {
        SocketPeer peer = new SocketPeer();
        closing.add(peer);
        return peer;
    }
}
