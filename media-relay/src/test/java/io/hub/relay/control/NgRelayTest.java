package io.hub.relay.control;

import static io.hub.relay.FakePhone.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.MasterKey;
import io.hub.pki.MutableClock;
import io.hub.relay.NgRelay;
import io.hub.relay.FakePhone;
import io.hub.relay.RelayConfig;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.SessionDescription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay run as {@code hub relay} runs it, driven over real UDP by an ng client the way a SIP
 * proxy drives rtpengine, with two phones sending real SRTP through it on loopback.
 */
class NgRelayTest {

    private static final SrtpSuite S80 = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    private static final SrtpSuite S32 = SrtpSuite.AES_CM_128_HMAC_SHA1_32;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final List<AutoCloseable> closing = new ArrayList<>();
    private NgRelay relay;
    private NgClient ng;
    private int freePortsBefore;

    @BeforeEach
    void start() throws Exception {
        relay = new NgRelay(new RelayConfig(LOOPBACK, 31000, 31999, Duration.ofSeconds(60), 8000),
                new InetSocketAddress(LOOPBACK, 0), "127.0.0.1", clock, new SimpleMeterRegistry());
        relay.start();
        ng = new NgClient(relay.controlAddress(), Duration.ofSeconds(5), 1);
        freePortsBefore = relay.relay().freePorts();
    }

    @AfterEach
    void stop() throws Exception {
        ng.close();
        relay.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void pingIsAnsweredPongUnderTheSameCookie() throws Exception {
        byte[] reply = ng.exchange("5323_1 d7:command4:pinge".getBytes(StandardCharsets.US_ASCII));

        assertEquals("5323_1 d6:result4:ponge", new String(reply, StandardCharsets.US_ASCII));
    }

    @Test
    void terminationGivesEachPhoneAFreshHubKeyAndCarriesRealSrtpBothWays() throws Exception {
        FakePhone a = phone(0x0A, S80);
        FakePhone b = phone(0x0B, S80);

        Map<?, ?> offer = ng.request(offer("call-1", "tag-a", sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + a.ownKey.inline())));
        SessionDescription toB = sdp(offer);
        Map<?, ?> answer = ng.request(answer("call-1", "tag-a", "tag-b",
                sdp(b, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + b.ownKey.inline())));
        SessionDescription toA = sdp(answer);

        MediaDescription audioToB = toB.media().get(0);
        assertEquals("c=IN IP4 127.0.0.1", toB.sessionLine("c=").orElseThrow());
        assertEquals(List.of("1 AES_CM_128_HMAC_SHA1_80", "2 AES_CM_128_HMAC_SHA1_32"),
                audioToB.attributes("crypto").stream().map(v -> v.substring(0, v.indexOf(" inline:"))).toList());
        assertEquals(List.of("0 PCMU/8000", "101 telephone-event/8000"), audioToB.attributes("rtpmap"));
        assertTrue(audioToB.attributes("candidate").isEmpty(), "ICE removed");
        assertTrue(audioToB.attribute("rtcp-mux").isEmpty(), "rtcp-mux declined");
        SdesKey hubKeyForB = key(audioToB, 0);
        SdesKey hubKeyForA = key(toA.media().get(0), 0);
        assertEquals(1, toA.media().get(0).attributes("crypto").size());
        assertNotEquals(a.ownKey, hubKeyForB, "the caller's key never reaches the callee");
        assertNotEquals(b.ownKey, hubKeyForA, "the callee's key never reaches the caller");

        a.receiveWith(hubKeyForA);
        b.receiveWith(hubKeyForB);
        a.sendTo(toA.media().get(0).port());
        b.sendTo(audioToB.port());
        latchBothAndExchange("call-1", a, b, 10);
    }

    @Test
    void passthroughWithSdesNonewRelaysTheOfferersKeyAndForwardsTheBytesUntouched() throws Exception {
        FakePhone a = phone(0x1A, S80);
        FakePhone b = phone(0x1B, S80);
        String cryptoA = "1 AES_CM_128_HMAC_SHA1_80 " + a.ownKey.inline();
        String cryptoB = "1 AES_CM_128_HMAC_SHA1_80 " + b.ownKey.inline();
        Map<String, Object> offer = offer("call-2", "tag-a", sdp(a, "a=crypto:" + cryptoA));
        offer.put("SDES", List.of("nonew"));

        SessionDescription toB = sdp(ng.request(offer));
        SessionDescription toA = sdp(ng.request(answer("call-2", "tag-a", "tag-b", sdp(b, "a=crypto:" + cryptoB))));

        assertEquals(List.of(cryptoA), toB.media().get(0).attributes("crypto"));
        assertEquals(List.of(cryptoB), toA.media().get(0).attributes("crypto"));
        a.receiveWith(b.ownKey);
        b.receiveWith(a.ownKey);
        a.sendTo(toA.media().get(0).port());
        b.sendTo(toB.media().get(0).port());
        b.sendRtp(1, 160);
        awaitQuery("call-2", q -> stream(q, "tag-b").containsKey("endpoint"));
        byte[] wire = a.sendRtp(1, 160);
        assertArrayEquals(wire, b.receiveRaw(), "the same bytes");
        b.sendRtp(2, 320);
        assertArrayEquals(FakePhone.plainRtp(b.ssrc, 2, 320), a.receiveRtp(), "under the callee's own key");
    }

    @Test
    void queryCountsEachLegAndDeleteReturnsItsPorts() throws Exception {
        Call call = terminatedCall("call-3");
        latchBothAndExchange("call-3", call.a, call.b, 5);

        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", "call-3"));

        assertEquals("ok", query.get("result"));
        Map<?, ?> tagA = tag(query, "tag-a");
        assertEquals("tag-b", tagA.get("in dialogue with"));
        Map<?, ?> streamA = stream(query, "tag-a");
        assertEquals((long) call.portA, streamA.get("local port"));
        assertEquals((long) call.a.address().getPort(), ((Map<?, ?>) streamA.get("endpoint")).get("port"));
        assertEquals("AES_CM_128_HMAC_SHA1_80", streamA.get("crypto suite"));
        assertEquals(5L, ((Map<?, ?>) streamA.get("stats")).get("packets"), "A sent 5 packets, each authenticated");
        Map<?, ?> totals = (Map<?, ?>) ((Map<?, ?>) query.get("totals")).get("RTP");
        assertEquals(11L, totals.get("packets"));
        assertEquals(1L, totals.get("errors"), "B's first packet, before A had sent anything");

        Map<?, ?> deleted = ng.request(Map.of("command", "delete", "call-id", "call-3", "from-tag", "tag-a"));

        assertEquals("ok", deleted.get("result"));
        assertEquals(totals, ((Map<?, ?>) deleted.get("totals")).get("RTP"));
        assertEquals(freePortsBefore, relay.relay().freePorts());
        assertEquals(0, relay.calls());
        assertEquals(error("Unknown call-id"), ng.request(Map.of("command", "query", "call-id", "call-3")));
    }

    @Test
    void aReofferForAKnownCallWithTheSameKeysKeepsEveryKeySoMediaGoesOn() throws Exception {
        Call call = terminatedCall("call-4");
        latchBothAndExchange("call-4", call.a, call.b, 2);

        SessionDescription toA = sdp(ng.request(offer("call-4", "tag-b", sdp(call.b,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + call.b.ownKey.inline()).replace("a=rtpmap:0", "a=sendonly\r\na=rtpmap:0"))));
        SessionDescription toB = sdp(ng.request(answer("call-4", "tag-b", "tag-a", sdp(call.a,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + call.a.ownKey.inline()))));

        assertEquals(call.hubKeyForA, key(toA.media().get(0), 0), "the callee kept its key: so does the caller's leg");
        assertEquals(call.hubKeyForB, key(toB.media().get(0), 0), "the caller kept its key: so does the callee's leg");
        assertEquals(call.portA, toA.media().get(0).port());
        // The sequence goes on from the exchange before: the same contexts, the same replay windows.
        call.b.sendRtp(4, 640);
        assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 4, 640), call.a.receiveRtp(), "no packet waits for a new key");
        call.a.sendRtp(4, 640);
        assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, 4, 640), call.b.receiveRtp());
    }

    @Test
    void aReofferWithANewKeyGivesTheLegCarryingItsPacketsAFreshHubKeyAndKeepsTheOther() throws Exception {
        Call call = terminatedCall("call-9");
        latchBothAndExchange("call-9", call.a, call.b, 2);
        FakePhone b2 = phone(0x2B, S80);

        SessionDescription toA = sdp(ng.request(offer("call-9", "tag-b", sdp(b2,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + b2.ownKey.inline()))));
        SessionDescription toB = sdp(ng.request(answer("call-9", "tag-b", "tag-a", sdp(call.a,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + call.a.ownKey.inline()))));

        SdesKey freshForA = key(toA.media().get(0), 0);
        assertNotEquals(call.hubKeyForA, freshForA, "the callee's new key may restart its sequence: a new hub key");
        assertEquals(call.portA, toA.media().get(0).port());
        assertEquals(call.hubKeyForB, key(toB.media().get(0), 0), "the caller changed nothing: its packets keep theirs");
        call.a.receiveWith(freshForA);
        b2.receiveWith(call.hubKeyForB);
        b2.sendTo(call.portB);
        b2.sendRtp(1000, 160_000);
        assertArrayEquals(FakePhone.plainRtp(b2.ssrc, 1000, 160_000), call.a.receiveRtp(), "the new keys carry the media");
        call.a.sendRtp(100, 16_000);
        assertArrayEquals(FakePhone.plainRtp(call.a.ssrc, 100, 16_000), b2.receiveRtp(), "re-latched on the new source");
    }

    @Test
    void aReofferReachesTheRelayOnlyWithItsAnswerAsInTheB2bua() throws Exception {
        Call call = terminatedCall("call-10");
        latchBothAndExchange("call-10", call.a, call.b, 2);
        FakePhone b2 = phone(0x4B, S80);

        sdp(ng.request(offer("call-10", "tag-b", sdp(b2, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + b2.ownKey.inline()))));
        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", "call-10"));

        assertEquals((long) call.b.address().getPort(), ((Map<?, ?>) stream(query, "tag-b").get("advertised endpoint"))
                .get("port"), "the unanswered re-offer is not in force");
        call.b.sendRtp(4, 640);
        assertArrayEquals(FakePhone.plainRtp(call.b.ssrc, 4, 640), call.a.receiveRtp(), "the old keys still carry the media");
        assertEquals(error("no offer from tag tag-a awaits an answer in call call-10"), ng.request(answer("call-10",
                "tag-a", "tag-b", sdp(call.a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + call.a.ownKey.inline()))));
    }

    @Test
    void theCalleeMayNarrowItsSuiteAndAnAnswerWithACryptoTagNotOfferedIsRefused() throws Exception {
        FakePhone a = phone(0x3A, S80);
        FakePhone b = phone(0x3B, S32);
        Map<String, Object> offer = offer("call-5", "tag-a", sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + a.ownKey.inline()));
        offer.put("flags", List.of("SDES-only-AES_CM_128_HMAC_SHA1_32", "trust address"));
        SessionDescription toB = sdp(ng.request(offer));
        assertEquals(1, toB.media().get(0).attributes("crypto").size());
        assertEquals(S32, key(toB.media().get(0), 0).suite());

        Map<?, ?> refused = ng.request(answer("call-5", "tag-a", "tag-b",
                sdp(b, "a=crypto:2 AES_CM_128_HMAC_SHA1_32 " + b.ownKey.inline())));
        SessionDescription toA = sdp(ng.request(answer("call-5", "tag-a", "tag-b",
                sdp(b, "a=crypto:1 AES_CM_128_HMAC_SHA1_32 " + b.ownKey.inline()))));

        assertEquals(error("the answer's a=crypto 2 AES_CM_128_HMAC_SHA1_32 was not offered"), refused);
        assertEquals(S80, key(toA.media().get(0), 0).suite(), "the caller keeps its own suite");
        a.receiveWith(key(toA.media().get(0), 0));
        b.receiveWith(key(toB.media().get(0), 0));
        a.sendTo(toA.media().get(0).port());
        b.sendTo(toB.media().get(0).port());
        latchBothAndExchange("call-5", a, b, 3);
    }

    @Test
    void aCallWhoseLegFellSilentIsDeleted() throws Exception {
        terminatedCall("call-6");

        relay.relay().expire(clock.instant().plus(Duration.ofMinutes(2)));

        assertEquals(0, relay.calls());
        assertEquals(freePortsBefore, relay.relay().freePorts());
        assertEquals(error("Unknown call-id"), ng.request(Map.of("command", "query", "call-id", "call-6")));
    }

    @Test
    void aCallRingingLongerThanTheTimeoutLivesUntilItsLastSignalIsThatOld() throws Exception {
        FakePhone a = phone(0x7A, S80);
        FakePhone b = phone(0x7B, S80);
        sdp(ng.request(offer("call-8", "tag-a", sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + a.ownKey.inline()))));
        clock.advance(Duration.ofSeconds(50));
        sdp(ng.request(answer("call-8", "tag-a", "tag-b", sdp(b, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                + b.ownKey.inline()))));

        relay.relay().expire(clock.instant().plus(Duration.ofSeconds(59)));
        int afterFiftyNine = relay.calls();
        relay.relay().expire(clock.instant().plus(Duration.ofSeconds(60)));

        assertEquals(1, afterFiftyNine, "109 s after the offer, but 59 s after the answer");
        assertEquals(0, relay.calls(), "60 s without media after the last signal");
    }

    @Test
    void aRetransmittedOfferGetsTheSameReplyAndAllocatesOnce() throws Exception {
        FakePhone a = phone(0x4A, S80);
        Map<String, Object> offer = offer("call-7", "tag-a", sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                + SdesKey.generate(S80).inline()));
        byte[] datagram = NgClient.datagram("retry-1", Bencode.encode(offer));

        byte[] first = ng.exchange(datagram);
        byte[] again = ng.exchange(datagram);

        assertArrayEquals(first, again);
        assertEquals(1, relay.calls());
        assertEquals(1, relay.relay().sessions().size());
    }

    @Test
    void aCookieIsAnsweredFromMemoryForThirtySecondsThenAnew() throws Exception {
        byte[] query = NgClient.datagram("q-1", Bencode.encode(Map.of("command", "query", "call-id", "call-9")));
        byte[] unknown = ng.exchange(query);
        FakePhone a = phone(0x6A, S80);
        ng.exchange(NgClient.datagram("o-1", Bencode.encode(offer("call-9", "tag-a", sdp(a,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + SdesKey.generate(S80).inline())))));

        clock.advance(Duration.ofSeconds(NgServer.RETRANSMISSION_SECONDS - 1));
        byte[] retransmitted = ng.exchange(query);
        clock.advance(Duration.ofSeconds(1));
        byte[] later = ng.exchange(query);

        assertEquals("error", NgClient.dictionary(unknown, 4).get("result"), "call-9 did not exist yet");
        assertArrayEquals(unknown, retransmitted, "within the window the cookie's reply is the one remembered");
        assertEquals("ok", NgClient.dictionary(later, 4).get("result"), "past it, the query is answered anew");
    }

    @Test
    void badInputIsAnsweredWithAnErrorReasonAndChangesNothing() throws Exception {
        FakePhone a = phone(0x5A, S80);
        String good = sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + SdesKey.generate(S80).inline());
        String plain = good.replace("RTP/SAVP", "RTP/AVP");
        Map<String, Object> sdesOff = offer("x", "t", good);
        sdesOff.put("SDES", "off");
        Map<String, Object> plainTransport = offer("x", "t", good);
        plainTransport.put("transport protocol", "RTP/AVP");
        Map<String, Object> sdpList = offer("x", "t", good);
        sdpList.put("sdp", List.of(good));

        assertTrue(reason(raw("b1", "d7:command4:ping")).startsWith("Invalid NG data format: "));
        assertTrue(reason(raw("b2", "d7:command999999:pinge")).contains("runs past"));
        assertEquals(error("the message is not a dictionary"), raw("b3", "i5e"));
        assertEquals(error("Dictionary contains no key \"command\""), ng.request(Map.of("call-id", "x")));
        assertEquals(error("Unrecognized command"), ng.request(Map.of("command", "start recording")));
        assertEquals(error("\"command\" must be a string"), ng.request(Map.of("command", 7L)));
        assertEquals(error("Unknown call-id"), ng.request(answer("nope", "t", "u", good)));
        assertEquals(error("Unknown call-id"), ng.request(Map.of("command", "delete", "call-id", "nope", "from-tag", "t")));
        assertEquals(error("Dictionary contains no key \"sdp\""),
                ng.request(Map.of("command", "offer", "call-id", "x", "from-tag", "t")));
        assertEquals(error("\"sdp\" must be a string"), ng.request(sdpList));
        assertEquals(error("SRTP is mandatory: the offer has RTP/AVP audio only"), ng.request(offer("x", "t", plain)));
        assertEquals(error("SRTP is mandatory: SDES cannot be turned off"), ng.request(sdesOff));
        assertTrue(reason(ng.request(plainTransport)).startsWith("SRTP is mandatory: transport-protocol RTP/AVP"));
        assertTrue(reason(ng.request(offer("x", "t", "not sdp"))).startsWith("bad SDP: "));
        assertTrue(reason(ng.request(offer("x", "t", good.replace("inline:", "inline:!!")))).startsWith("bad a=crypto 1"));
        ng.send(bytes("d7:command4:pinge"));
        assertEquals(Map.of("result", "pong"), ng.request(Map.of("command", "ping")),
                "a datagram without a cookie gets no reply, and the next request its own");

        assertEquals(0, relay.calls());
        assertEquals(freePortsBefore, relay.relay().freePorts());
    }

    /** A terminated call set up through ng, its phones told the hub's keys and ports. */
    private record Call(FakePhone a, FakePhone b, int portA, int portB, SdesKey hubKeyForA, SdesKey hubKeyForB) {
    }

    private Call terminatedCall(String callId) throws Exception {
        FakePhone a = phone(0x6A, S80);
        FakePhone b = phone(0x6B, S80);
        SessionDescription toB = sdp(ng.request(offer(callId, "tag-a", sdp(a, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                + a.ownKey.inline()))));
        SessionDescription toA = sdp(ng.request(answer(callId, "tag-a", "tag-b", sdp(b,
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + b.ownKey.inline()))));
        Call call = new Call(a, b, toA.media().get(0).port(), toB.media().get(0).port(), key(toA.media().get(0), 0),
                key(toB.media().get(0), 0));
        a.receiveWith(call.hubKeyForA);
        b.receiveWith(call.hubKeyForB);
        a.sendTo(call.portA);
        b.sendTo(call.portB);
        return call;
    }

    /**
     * B sends first (dropped: A has not sent, so the relay has nowhere to send), then, once the relay
     * latched B, {@code count} packets go each way and arrive decrypted under the receiver's key.
     */
    private void latchBothAndExchange(String callId, FakePhone a, FakePhone b, int count) throws Exception {
        b.sendRtp(1, 160);
        awaitQuery(callId, q -> stream(q, "tag-b").containsKey("endpoint"));
        for (int seq = 1; seq <= count; seq++) {
            a.sendRtp(seq + 1, (seq + 1) * 160);
            assertArrayEquals(FakePhone.plainRtp(a.ssrc, seq + 1, (seq + 1) * 160), b.receiveRtp(), "A's packet " + seq);
            b.sendRtp(seq + 1, (seq + 1) * 160);
            assertArrayEquals(FakePhone.plainRtp(b.ssrc, seq + 1, (seq + 1) * 160), a.receiveRtp(), "B's packet " + seq);
        }
    }

    /** A phone with a fresh key of its own in {@code suite}. */
    private FakePhone phone(int ssrc, SrtpSuite suite) throws Exception {
        FakePhone phone = new FakePhone(ssrc, SdesKey.generate(suite), null);
        closing.add(phone);
        return phone;
    }

    /** A desk phone's offer: G.711 and telephone-event, rtcp-mux and an ICE candidate the hub removes. */
    private static String sdp(FakePhone phone, String crypto) {
        int port = phone.address().getPort();
        return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\na=ptime:20\r\na=rtcp-mux\r\n"
                + "a=candidate:1 1 udp 2130706431 192.0.2.10 " + port + " typ host\r\n" + crypto + "\r\n";
    }

    /** An offer with the flags a SIP proxy in front of rtpengine sends for phones behind NAT. */
    private static Map<String, Object> offer(String callId, String fromTag, String sdp) {
        Map<String, Object> offer = NgMessages.offer(callId, fromTag, sdp);
        offer.put("ICE", "remove");
        offer.put("replace", List.of("origin", "session-connection"));
        return offer;
    }

    private static Map<String, Object> answer(String callId, String fromTag, String toTag, String sdp) {
        return NgMessages.answer(offer(callId, fromTag, sdp), toTag);
    }

    /** The SDP of an ok reply (the other {@code sdp} builds a phone's). */
    private static SessionDescription sdp(Map<?, ?> reply) throws Exception {
        return NgMessages.sdp(reply);
    }

    /** The key of the relay's {@code index}th a=crypto line, read by the phone emulator's SDES code. */
    private static SdesKey key(MediaDescription medium, int index) throws Exception {
        MasterKey key = CryptoLine.parse(medium.attributes("crypto").get(index)).key();
        return new SdesKey(SrtpSuite.valueOf(key.suite().name()), key.key(), key.salt());
    }

    private static Map<?, ?> tag(Map<?, ?> query, String tag) {
        return (Map<?, ?>) ((Map<?, ?>) query.get("tags")).get(tag);
    }

    private static Map<?, ?> stream(Map<?, ?> query, String tag) {
        Map<?, ?> medium = (Map<?, ?>) ((List<?>) tag(query, tag).get("medias")).get(0);
        return (Map<?, ?>) ((List<?>) medium.get("streams")).get(0);
    }

    private Map<?, ?> awaitQuery(String callId, Predicate<Map<?, ?>> condition) throws Exception {
        Map<?, ?> query = null;
        for (int i = 0; i < 200; i++) {
            query = ng.request(Map.of("command", "query", "call-id", callId));
            if (condition.test(query)) {
                return query;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new AssertionError("the relay never got there: " + query);
    }

    private static Map<String, Object> error(String reason) {
        return Map.of("result", "error", "error-reason", reason);
    }

    private static String reason(Map<?, ?> reply) {
        assertEquals("error", reply.get("result"), reply.toString());
        assertFalse(reply.containsKey("sdp"));
        return (String) reply.get("error-reason");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The reply to {@code cookie SP body}, checked to carry the same cookie. */
    private Map<?, ?> raw(String cookie, String body) throws Exception {
        byte[] reply = ng.exchange(NgClient.datagram(cookie, bytes(body)));
        assertTrue(new String(reply, StandardCharsets.ISO_8859_1).startsWith(cookie + " "), "the cookie comes back");
        return NgClient.dictionary(reply, cookie.length() + 1);
    }
}
