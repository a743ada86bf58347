package io.hub.relay.control;

import static io.hub.relay.control.NgMessages.offer;
import static io.hub.relay.control.NgMessages.awaitQuery;
import static io.hub.relay.control.NgMessages.sdp;
import static io.hub.relay.control.NgMessages.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.MasterKey;
import io.hub.relay.FakePhone;
import io.hub.relay.browser.BrowserPeer;
import io.hub.relay.browser.HubAnswer;
import io.hub.relay.browser.IceCheck;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A WebRTC browser calling a desk phone through {@code hub relay}'s ng control, as Kamailio's
 * rtpengine module drives rtpengine to bridge DTLS-SRTP and SDES: the browser's offer gets a DTLS-SRTP
 * leg with ICE-lite, the desk phone an SDES {@code RTP/SAVP} offer. The browser is {@link BrowserPeer}
 * (its own DTLS client, STUN and SRTP), the phone {@link FakePhone}; both on loopback over real UDP.
 */
class NgDtlsBridgeTest extends DtlsNgCase {

    NgDtlsBridgeTest() {
        super(32000, 32999, 0x4D);
    }

    @Test
    void aBrowsersDtlsOfferIsBridgedToADeskPhonesSdesAndBothHearTheOther() throws Exception {
        BrowserPeer browser = browser();
        FakePhone phone = phone();

        SessionDescription toPhone = sdp(ng.request(offer("call-1", "tag-browser", browser.offer())));
        MediaDescription phoneAudio = toPhone.media().get(0);
        assertEquals("RTP/SAVP", phoneAudio.protocol(), "the hub never offers DTLS to a desk phone");
        assertTrue(phoneAudio.attribute("fingerprint").isEmpty() && phoneAudio.attribute("ice-ufrag").isEmpty());
        assertTrue(phoneAudio.attributes("crypto").get(0).startsWith("1 AES_CM_128_HMAC_SHA1_80 inline:"));
        String answer = sdp(ng.request(answer("call-1", "tag-browser", "tag-phone",
                phoneSdp(phone)))).encode();
        HubAnswer hub = browser.read(answer);
        assertEquals("0", hub.mid(), "the answer names the offer's mid");
        assertTrue(hub.bundled() && hub.rtcpMux() && hub.iceLite(), answer);
        assertTrue(hub.candidate().contains(" 127.0.0.1 " + hub.media().getPort() + " typ host"), hub.candidate());

        browser.checkConnectivity();
        browser.handshake();
        awaitQuery(ng, "call-1", q -> dtlsOk(q, "tag-browser"));
        phone.receiveWith(key(toPhone.media().get(0)));
        phone.sendTo(phoneAudio.port());
        phone.sendRtp(1, 160);
        awaitQuery(ng, "call-1", q -> stream(q, "tag-phone").containsKey("endpoint"));
        for (int seq = 1; seq <= 10; seq++) {
            browser.sendAudio(seq);
            byte[] heard = phone.receiveRtp();
            assertNotNull(heard, "the phone heard the browser's packet " + seq);
            assertArrayEquals(BrowserPeer.payload(seq), Arrays.copyOfRange(heard, 12, heard.length));
            phone.sendRtp(seq + 1, (seq + 1) * 160);
            assertArrayEquals(FakePhone.plainRtp(phone.ssrc, seq + 1, (seq + 1) * 160), browser.receiveAudio(),
                    "the browser heard the phone's packet " + seq);
        }
        assertEquals(0, browser.authFailures());

        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", "call-1"));
        Map<?, ?> browserLeg = stream(query, "tag-browser");
        assertEquals("DTLS-SRTP", browserLeg.get("kind"));
        Map<?, ?> dtls = (Map<?, ?>) browserLeg.get("dtls");
        assertEquals("server", dtls.get("role"));
        assertEquals("established", dtls.get("state"));
        assertEquals("ok", dtls.get("outcome"));
        assertTrue(dtls.containsKey("handshakeMs"));
        assertEquals("nominated", dtls.get("ice"));
        assertEquals("SDES", stream(query, "tag-phone").get("kind"));
        assertEquals(1.0, registry.get("hub.relay.dtls.handshakes").tag("outcome", "ok").counter().count());
    }

    @Test
    void aDeskPhonesSdesOfferAskedOnAsWebRtcReachesTheBrowserAsDtlsAndBothHearTheOther() throws Exception {
        FakePhone phone = phone();
        BrowserPeer browser = browser();
        Map<String, Object> offer = offer("call-5", "tag-phone", phoneSdp(phone));
        offer.put("transport-protocol", "UDP/TLS/RTP/SAVPF");

        String toBrowser = sdp(ng.request(offer)).encode();
        String answer = browser.answer(toBrowser);
        SessionDescription toPhone = sdp(ng.request(answer("call-5", "tag-phone", "tag-browser", answer)));

        assertEquals("RTP/SAVP", toPhone.media().get(0).protocol());
        assertTrue(toPhone.media().get(0).attribute("fingerprint").isEmpty());
        browser.checkConnectivity();
        browser.handshake();
        awaitQuery(ng, "call-5", q -> dtlsOk(q, "tag-browser"));
        phone.receiveWith(key(toPhone.media().get(0)));
        phone.sendTo(toPhone.media().get(0).port());
        phone.sendRtp(1, 160);
        awaitQuery(ng, "call-5", q -> stream(q, "tag-phone").containsKey("endpoint"));
        for (int seq = 1; seq <= 5; seq++) {
            browser.sendAudio(seq);
            byte[] heard = phone.receiveRtp();
            assertNotNull(heard, "the phone heard the browser's packet " + seq);
            assertArrayEquals(BrowserPeer.payload(seq), Arrays.copyOfRange(heard, 12, heard.length));
            phone.sendRtp(seq + 1, (seq + 1) * 160);
            assertArrayEquals(FakePhone.plainRtp(phone.ssrc, seq + 1, (seq + 1) * 160), browser.receiveAudio());
        }
        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", "call-5"));
        assertEquals("DTLS-SRTP", stream(query, "tag-browser").get("kind"));
        assertEquals("SDES", stream(query, "tag-phone").get("kind"));
    }

    @Test
    void aProfileChangeTheHubDoesNotBridgeIsRefused() throws Exception {
        Map<String, Object> offer = offer("call-6", "tag-phone", phoneSdp(phone()));
        offer.put("transport-protocol", "RTP/SAVPF");

        Map<?, ?> reply = ng.request(offer);

        assertEquals("the hub keeps the offered transport protocol RTP/SAVP, it does not change it to RTP/SAVPF",
                reply.get("error-reason"));
        assertEquals(0, relay.calls());
    }

    @Test
    void aCertificateThatIsNotTheOffersFingerprintIsRefusedAndTheCallDeleted() throws Exception {
        BrowserPeer browser = browser();
        browser.offerAnotherFingerprint();
        FakePhone phone = phone();
        ng.request(offer("call-2", "tag-browser", browser.offer()));
        browser.read(sdp(ng.request(answer("call-2", "tag-browser", "tag-phone", phoneSdp(phone))))
                .encode());
        browser.checkConnectivity();

        assertThrows(IOException.class, browser::handshake, "the hub refuses the handshake");

        Map<?, ?> gone = awaitQuery(ng, "call-2", q -> "error".equals(q.get("result")));
        assertEquals("Unknown call-id", gone.get("error-reason"), "the call was deleted");
        assertEquals(1.0, registry.get("hub.relay.dtls.handshakes").tag("outcome", "fingerprint_mismatch")
                .counter().count());
    }

    @Test
    void aReplayedOrForeignIceCheckIsDroppedAndCounted() throws Exception {
        BrowserPeer browser = browser();
        BrowserPeer other = browser();
        FakePhone phone = phone();
        ng.request(offer("call-3", "tag-browser", browser.offer()));
        HubAnswer hub = browser.read(sdp(ng.request(answer("call-3", "tag-browser", "tag-phone",
                phoneSdp(phone)))).encode());
        byte[] check = browser.checkConnectivity();

        other.sendRaw(IceCheck.copy(check), hub.media());
        assertNull(other.nextStun(1), "a check played again from elsewhere gets no answer");
        other.sendRaw(IceCheck.request(IceCheck.transactionId(), "someone:else", hub.icePassword()), hub.media());
        assertNull(other.nextStun(1), "a check for another leg's credentials gets no answer");

        assertEquals(1.0, registry.get("hub.relay.stun.dropped").tag("reason", "replayed").counter().count());
        assertEquals(1.0, registry.get("hub.relay.stun.dropped").tag("reason", "foreign_username").counter().count());
        browser.handshake();
    }

    @Test
    void aClientHelloFragmentedOverTwoDatagramsCompletesTheHandshakeWithUseSrtp() throws Exception {
        BrowserPeer browser = browser();
        FakePhone phone = phone();
        SessionDescription toPhone = sdp(ng.request(offer("call-5", "tag-browser", browser.offer())));
        browser.read(sdp(ng.request(answer("call-5", "tag-browser", "tag-phone", phoneSdp(phone)))).encode());
        browser.limitDatagramsTo(FRAGMENTING_LIMIT);

        browser.checkConnectivity();
        browser.handshake();

        List<int[]> fragments = browser.clientHelloDatagrams().stream().map(BrowserPeer::clientHelloFragment).toList();
        assertTrue(fragments.stream().map(f -> f[0]).distinct().count() >= 2,
                "the ClientHello went in more than one datagram");
        assertTrue(fragments.stream().allMatch(f -> f[1] < f[2]), "no datagram carried the whole ClientHello");
        awaitQuery(ng, "call-5", q -> dtlsOk(q, "tag-browser"));
        // The SRTP keys exported from the handshake (use_srtp) carry the browser's audio to the phone.
        phone.receiveWith(key(toPhone.media().get(0)));
        phone.sendTo(toPhone.media().get(0).port());
        phone.sendRtp(1, 160);
        awaitQuery(ng, "call-5", q -> stream(q, "tag-phone").containsKey("endpoint"));
        browser.sendAudio(1);
        byte[] heard = phone.receiveRtp();
        assertNotNull(heard, "the phone heard the browser");
        assertArrayEquals(BrowserPeer.payload(1), Arrays.copyOfRange(heard, 12, heard.length));
        phone.sendRtp(2, 320);
        assertArrayEquals(FakePhone.plainRtp(phone.ssrc, 2, 320), browser.receiveAudio(), "the browser heard the phone");
        assertEquals(0.0, registry.get("hub.relay.dtls.dropped").tag("reason", "cookie_exchange").counter().count());
    }

    @Test
    void aFragmentedClientHelloFromAnAddressThatPassedNoCheckIsNotAnswered() throws Exception {
        BrowserPeer browser = browser();
        BrowserPeer stranger = browser();
        ng.request(offer("call-6", "tag-browser", browser.offer()));
        browser.read(sdp(ng.request(answer("call-6", "tag-browser", "tag-phone", phoneSdp(phone())))).encode());
        browser.limitDatagramsTo(FRAGMENTING_LIMIT);
        browser.checkConnectivity();
        browser.handshake();
        List<byte[]> hello = browser.clientHelloDatagrams();
        ng.request(offer("call-7", "tag-browser", browser.offer()));
        HubAnswer other = HubAnswer.parse(sdp(ng.request(answer("call-7", "tag-browser", "tag-phone",
                phoneSdp(phone())))).encode());

        for (byte[] datagram : hello) {
            stranger.sendRaw(datagram, other.media());
        }

        Counter noConsent = registry.get("hub.relay.dtls.dropped").tag("reason", "no_consent").counter();
        for (int i = 0; i < 500 && noConsent.count() < hello.size(); i++) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertEquals(hello.size(), noConsent.count(), "every fragment dropped: the address passed no ICE check");
        Map<?, ?> dtls = (Map<?, ?>) stream(ng.request(Map.of("command", "query", "call-id", "call-7")),
                "tag-browser").get("dtls");
        assertEquals("waiting", dtls.get("state"));
        assertEquals("waiting", dtls.get("ice"));
    }

    @Test
    void aHandshakeFragmentDeclaringAHugeMessageIsDroppedAndCounted() throws Exception {
        BrowserPeer browser = browser();
        ng.request(offer("call-8", "tag-browser", browser.offer()));
        HubAnswer hub = browser.read(sdp(ng.request(answer("call-8", "tag-browser", "tag-phone",
                phoneSdp(phone())))).encode());
        browser.checkConnectivity();
        // A ClientHello fragment whose message claims 16 MiB: reassembly would allocate it whole.
        byte[] fragment = new byte[13 + 12 + 100];
        fragment[0] = 22;
        fragment[1] = (byte) 0xfe;
        fragment[2] = (byte) 0xfd;
        fragment[12] = 112;
        fragment[13] = 1;
        fragment[14] = (byte) 0xff;
        fragment[15] = (byte) 0xff;
        fragment[16] = (byte) 0xff;
        fragment[24] = 100;

        browser.sendRaw(fragment, hub.media());

        Counter oversized = registry.get("hub.relay.dtls.dropped").tag("reason", "oversized").counter();
        for (int i = 0; i < 500 && oversized.count() < 1; i++) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertEquals(1.0, oversized.count());
        Map<?, ?> dtls = (Map<?, ?>) stream(ng.request(Map.of("command", "query", "call-id", "call-8")),
                "tag-browser").get("dtls");
        assertEquals("waiting", dtls.get("state"), "no handshake started for it");
    }

    @Test
    void aFingerprintInAHashTheHubDoesNotTakeIsRefusedWithItsReason() throws Exception {
        BrowserPeer browser = browser();
        String offer = browser.offer().replace(browser.fingerprint(),
                "md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");

        Map<?, ?> reply = ng.request(offer("call-4", "tag-browser", offer));

        assertEquals("error", reply.get("result"));
        assertEquals("bad SDP: fingerprint hash md5 is not one of sha-256, sha-384, sha-512",
                reply.get("error-reason"));
        assertEquals(0, relay.calls());
    }

    @Test
    void aBrowsersHoldAndResumeKeepItsDtlsAssociationAndTheMediaGoesOn() throws Exception {
        Bridged call = bridged("call-7");

        SessionDescription hold = sdp(ng.request(offer("call-7", "tag-browser", call.browser().offer("sendonly"))));
        assertEquals("RTP/SAVP", hold.media().get(0).protocol());
        assertEquals("sendonly", hold.media().get(0).direction(hold));
        assertEquals(call.phoneKey(), key(hold.media().get(0)), "the browser's packets keep their context and key");
        HubAnswer held = call.browser().read(sdp(ng.request(answer("call-7", "tag-browser", "tag-phone",
                phoneSdp(call.phone(), "recvonly")))).encode());
        assertSameDtls(call.hub(), held);
        sdp(ng.request(offer("call-7", "tag-browser", call.browser().offer())));
        assertSameDtls(call.hub(), call.browser().read(sdp(ng.request(answer("call-7", "tag-browser", "tag-phone",
                phoneSdp(call.phone(), "sendrecv")))).encode()));

        talk(call, 6);
        Map<?, ?> dtls = (Map<?, ?>) stream(ng.request(Map.of("command", "query", "call-id", "call-7")),
                "tag-browser").get("dtls");
        assertEquals("established", dtls.get("state"));
        assertEquals(1.0, handshakes("ok"), "one association all along");
    }

    @Test
    void anIceRestartGetsNewHubCredentialsOnlyTheirChecksAreAnsweredAndTheMediaGoesOn() throws Exception {
        Bridged call = bridged("call-8");
        String oldBrowserUfrag = call.browser().iceUfrag();

        call.browser().restartIce();
        SessionDescription toPhone = sdp(ng.request(offer("call-8", "tag-browser", call.browser().offer())));
        assertEquals(call.phoneKey(), key(toPhone.media().get(0)), "an ICE restart keeps the keys");
        HubAnswer restarted = call.browser().read(sdp(ng.request(answer("call-8", "tag-browser", "tag-phone",
                phoneSdp(call.phone(), "sendrecv")))).encode());

        assertNotEquals(call.hub().iceUfrag(), restarted.iceUfrag(), "the hub restarts with new credentials");
        assertNotEquals(call.hub().icePassword(), restarted.icePassword());
        assertArrayEquals(call.hub().fingerprint(), restarted.fingerprint());
        assertEquals("passive", restarted.setup());
        assertEquals("waiting", dtlsFigure("call-8", "ice"), "consent starts again");
        call.browser().sendRaw(IceCheck.request(IceCheck.transactionId(), call.hub().iceUfrag() + ":" + oldBrowserUfrag,
                call.hub().icePassword()), restarted.media());
        assertNull(call.browser().nextStun(1), "a check with the old credentials is not answered");
        call.browser().checkConnectivity();
        assertEquals("nominated", dtlsFigure("call-8", "ice"));
        talk(call, 6);
        assertEquals(1.0, handshakes("ok"), "the association outlives the ICE restart");
    }

    @Test
    void aNewCertificateInAReofferBringsANewHandshakeAndNewKeysBothWays() throws Exception {
        Bridged call = bridged("call-9");

        call.browser().newCertificate();
        SessionDescription toPhone = sdp(ng.request(offer("call-9", "tag-browser", call.browser().offer())));
        SdesKey fresh = key(toPhone.media().get(0));
        assertNotEquals(call.phoneKey(), fresh, "the browser's packets come under a new context: so the phone's key");
        HubAnswer again = call.browser().read(sdp(ng.request(answer("call-9", "tag-browser", "tag-phone",
                phoneSdp(call.phone(), "sendrecv")))).encode());
        assertSameDtls(call.hub(), again);
        call.browser().handshake();
        awaitQuery(ng, "call-9", q -> dtlsOk(q, "tag-browser"));
        call.phone().receiveWith(fresh);

        talk(call, 6);
        assertEquals(2.0, handshakes("ok"), "a second association");
    }

    @Test
    void aReofferWhoseFingerprintIsNotTheCertificateEndsTheCallAtTheNewHandshake() throws Exception {
        Bridged call = bridged("call-10");

        call.browser().offerAnotherFingerprint();
        sdp(ng.request(offer("call-10", "tag-browser", call.browser().offer())));
        call.browser().read(sdp(ng.request(answer("call-10", "tag-browser", "tag-phone",
                phoneSdp(call.phone(), "sendrecv")))).encode());

        assertThrows(IOException.class, call.browser()::handshake, "the hub refuses the new handshake");
        Map<?, ?> gone = awaitQuery(ng, "call-10", q -> "error".equals(q.get("result")));
        assertEquals("Unknown call-id", gone.get("error-reason"), "the call was deleted");
        assertEquals(1.0, handshakes("fingerprint_mismatch"));
    }

    @Test
    void aReofferThatWouldMakeTheBrowsersLegSdesIsRefusedAndTheCallGoesOn() throws Exception {
        Bridged call = bridged("call-12");

        Map<?, ?> reply = ng.request(offer("call-12", "tag-browser", phoneSdp(phone(), "sendrecv")));

        assertEquals("call call-12 leg A is DTLS-SRTP; its SDP cannot make it SDES", reply.get("error-reason"));
        talk(call, 6);
    }

    @Test
    void aReofferThatDropsIceFromTheLegIsRefusedAndTheCallGoesOn() throws Exception {
        Bridged call = bridged("call-13");
        String withoutIce = call.browser().offer().replaceAll("a=ice-(ufrag|pwd):[^\r]*\r\n", "");

        Map<?, ?> reply = ng.request(offer("call-13", "tag-browser", withoutIce));

        assertEquals("call call-13 leg A has ICE; the SDP drops it", reply.get("error-reason"));
        talk(call, 6);
    }

    @Test
    void aBrowsersAnswerThatTakesTheHubsOwnDtlsRoleIsRefusedAndTheOfferStaysOpen() throws Exception {
        FakePhone phone = phone();
        BrowserPeer browser = browser();
        Map<String, Object> offer = offer("call-14", "tag-phone", phoneSdp(phone));
        offer.put("transport-protocol", "UDP/TLS/RTP/SAVPF");
        String toBrowser = sdp(ng.request(offer)).encode();
        sdp(ng.request(answer("call-14", "tag-phone", "tag-browser", browser.answer(toBrowser))));
        String hold = sdp(ng.request(offer("call-14", "tag-phone", phoneSdp(phone, "sendonly")))).encode();

        Map<?, ?> reply = ng.request(answer("call-14", "tag-phone", "tag-browser",
                browser.answer(hold, "recvonly").replace("a=setup:active", "a=setup:passive")));

        assertEquals("the answer's a=setup:passive takes the hub's own DTLS role; the hub offered a=setup:passive",
                reply.get("error-reason"));
        sdp(ng.request(answer("call-14", "tag-phone", "tag-browser", browser.answer(hold, "recvonly"))));
    }

    @Test
    void aDeskPhonesHoldReachesItsBrowserCalleeAsTheHubsDtlsOfferAndKeepsTheAssociation() throws Exception {
        FakePhone phone = phone();
        BrowserPeer browser = browser();
        Map<String, Object> offer = offer("call-11", "tag-phone", phoneSdp(phone));
        offer.put("transport-protocol", "UDP/TLS/RTP/SAVPF");
        String toBrowser = sdp(ng.request(offer)).encode();
        HubAnswer first = HubAnswer.parse(toBrowser);
        SessionDescription toPhone = sdp(ng.request(answer("call-11", "tag-phone", "tag-browser",
                browser.answer(toBrowser))));
        browser.checkConnectivity();
        browser.handshake();
        awaitQuery(ng, "call-11", q -> dtlsOk(q, "tag-browser"));
        SdesKey phoneKey = key(toPhone.media().get(0));
        phone.receiveWith(phoneKey);
        phone.sendTo(toPhone.media().get(0).port());
        phone.sendRtp(1, 160);
        awaitQuery(ng, "call-11", q -> stream(q, "tag-phone").containsKey("endpoint"));
        Bridged call = new Bridged(browser, phone, phoneKey, first);

        String hold = sdp(ng.request(offer("call-11", "tag-phone", phoneSdp(phone, "sendonly")))).encode();
        HubAnswer reoffer = HubAnswer.parse(hold);
        assertSameDtls(first, reoffer);
        assertEquals("passive", reoffer.setup(), "the hub offers the role in place: the browser stays the client");
        assertTrue(hold.contains("a=sendonly\r\n") && !hold.contains("a=crypto"), hold);
        SessionDescription held = sdp(ng.request(answer("call-11", "tag-phone", "tag-browser",
                browser.answer(hold, "recvonly"))));

        assertEquals("RTP/SAVP", held.media().get(0).protocol());
        assertEquals(phoneKey, key(held.media().get(0)), "the association stays, so does the phone's key");
        talk(call, 2);
        assertEquals(1.0, handshakes("ok"));
    }

    /** A browser's call to a desk phone over ng, answered, with its media up both ways. */
    private record Bridged(BrowserPeer browser, FakePhone phone, SdesKey phoneKey, HubAnswer hub) {
    }

    private Bridged bridged(String callId) throws Exception {
        BrowserPeer browser = browser();
        FakePhone phone = phone();
        SessionDescription toPhone = sdp(ng.request(offer(callId, "tag-browser", browser.offer())));
        HubAnswer hub = browser.read(sdp(ng.request(answer(callId, "tag-browser", "tag-phone",
                phoneSdp(phone)))).encode());
        browser.checkConnectivity();
        browser.handshake();
        awaitQuery(ng, callId, q -> dtlsOk(q, "tag-browser"));
        SdesKey phoneKey = key(toPhone.media().get(0));
        phone.receiveWith(phoneKey);
        phone.sendTo(toPhone.media().get(0).port());
        phone.sendRtp(1, 160);
        awaitQuery(ng, callId, q -> stream(q, "tag-phone").containsKey("endpoint"));
        Bridged call = new Bridged(browser, phone, phoneKey, hub);
        talk(call, 1);
        return call;
    }

    /** Five packets each way from sequence {@code first}: each end hears every one of the other's. */
    private static void talk(Bridged call, int first) throws Exception {
        for (int seq = first; seq < first + 5; seq++) {
            call.browser().sendAudio(seq);
            byte[] heard = call.phone().receiveRtp();
            assertNotNull(heard, "the phone heard the browser's packet " + seq);
            assertArrayEquals(BrowserPeer.payload(seq), Arrays.copyOfRange(heard, 12, heard.length));
            call.phone().sendRtp(seq + 1, (seq + 1) * 160);
            assertArrayEquals(FakePhone.plainRtp(call.phone().ssrc, seq + 1, (seq + 1) * 160),
                    call.browser().receiveAudio(), "the browser heard the phone's packet " + (seq + 1));
        }
    }

    /** The hub's DTLS lines to the browser did not change: its address, fingerprint, role and ICE. */
    private static void assertSameDtls(HubAnswer before, HubAnswer after) {
        assertEquals(before.media(), after.media());
        assertArrayEquals(before.fingerprint(), after.fingerprint());
        assertEquals(before.iceUfrag(), after.iceUfrag());
        assertEquals(before.icePassword(), after.icePassword());
        assertEquals("passive", after.setup());
    }

    private String dtlsFigure(String callId, String name) throws Exception {
        Map<?, ?> query = ng.request(Map.of("command", "query", "call-id", callId));
        return String.valueOf(((Map<?, ?>) stream(query, "tag-browser").get("dtls")).get(name));
    }

    private double handshakes(String outcome) {
        return registry.get("hub.relay.dtls.handshakes").tag("outcome", outcome).counter().count();
    }

    /** Smaller than Bouncy Castle's ClientHello, so it goes in fragments. */
    private static final int FRAGMENTING_LIMIT = 160;

    /** The desk phone's SDES answer: G.711, no rtcp-mux. */
    private static String phoneSdp(FakePhone phone) {
        return phoneSdp(phone, null);
    }

    /** {@link #phoneSdp(FakePhone)} with a direction attribute, as a phone holds or resumes. */
    private static String phoneSdp(FakePhone phone, String direction) {
        return NgMessages.deskSdp(phone, direction);
    }

    private static Map<String, Object> answer(String callId, String fromTag, String toTag, String sdp) {
        return NgMessages.answer(offer(callId, fromTag, sdp), toTag);
    }

    /** The hub's key for the phone, read by the phone emulator's SDES code. */
    private static SdesKey key(MediaDescription medium) throws Exception {
        MasterKey key = CryptoLine.parse(medium.attributes("crypto").get(0)).key();
        return new SdesKey(SrtpSuite.valueOf(key.suite().name()), key.key(), key.salt());
    }


    /** The hub's side of the browser's handshake has its keys (a moment after the browser's). */
    private static boolean dtlsOk(Map<?, ?> query, String tag) {
        Map<?, ?> dtls = (Map<?, ?>) stream(query, tag).get("dtls");
        return dtls != null && "ok".equals(dtls.get("outcome"));
    }

}
