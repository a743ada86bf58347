package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MutableClock;
import io.hub.pki.PemFiles;
import io.hub.relay.RelayConfig;
import io.hub.relay.browser.BrowserPeer;
import io.hub.relay.browser.HubAnswer;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.dtls.HubCertificate;
import io.hub.sip.call.CallRecord;
import io.hub.sip.call.CallSettings;
import io.hub.sip.call.EndCause;
import io.hub.sip.call.JdbcCallRecords;
import io.hub.sip.location.JdbcBindingStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebRTC browser calls a registered desk phone through the B2BUA over real SIP-TLS flows: its SDP is
 * {@code UDP/TLS/RTP/SAVPF} with a fingerprint, so its leg is DTLS-SRTP with ICE-lite on the relay,
 * while the desk phone is offered SDES {@code RTP/SAVP}; the media is terminated per leg. And a desk
 * phone calls a browser (registered with a {@code transport=ws} contact), which the hub offers
 * DTLS-SRTP and whose DTLS answer becomes an SDES answer to the desk phone. The browser's
 * media end is {@link BrowserPeer} (its own DTLS client, STUN and SRTP), the phone is {@link CallPhone}.
 */
class BrowserCallsTest {

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<CallRefused> refusals = new CopyOnWriteArrayList<>();
    private HubPki pki;
    private HikariDataSource database;
    private JdbcCallRecords records;
    private DtlsSrtpLegs dtlsLegs;
    private SipService sip;

    @BeforeEach
    void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), java.time.Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        database = new HikariDataSource();
        database.setJdbcUrl("jdbc:h2:file:" + home.resolve("db/hub") + ";WRITE_DELAY=0");
        records = new JdbcCallRecords(database);
        dtlsLegs = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, metrics, 4);
        sip = TestSip.with(pki, home).bindings(new JdbcBindingStore(database)).clock(clock).metrics(metrics)
                .calls(new SipService.Calls(new RelayConfig(InetAddress.getLoopbackAddress(), 33000, 33999,
                        Duration.ofSeconds(60), 8000), CallSettings.standard(), records).withDtls(dtlsLegs))
                .start();
        sip.onCallRefused(refusals::add);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        sip.close();
        dtlsLegs.close();
        database.close();
    }

    @Test
    void aBrowserCallsADeskPhoneAndEachDecryptsTheOthersMedia() throws Exception {
        CallPhone browserSip = phone("2101");
        BrowserPeer browser = browser();
        CallPhone desk = phone("2102");

        Call call = call(browserSip, browser, desk);
        String deskOffer = new String(call.deskInvite.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(deskOffer.contains(" RTP/SAVP ") && deskOffer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80"),
                "the desk phone is offered SDES: " + deskOffer);
        assertFalse(deskOffer.contains("fingerprint") || deskOffer.contains("ice-ufrag") || deskOffer.contains("SAVPF"),
                "the hub never offers DTLS toward a desk phone: " + deskOffer);
        HubAnswer answer = browser.read(call.browserAnswer);
        assertEquals("0", answer.mid());
        assertTrue(answer.bundled() && answer.rtcpMux() && answer.iceLite(), call.browserAnswer);

        connectAndTalk(browser, desk, "caller");

        CallSummary active = sip.activeCalls().get(0);
        Map<?, ?> caller = (Map<?, ?>) ((Map<?, ?>) active.media()).get("caller");
        Map<?, ?> callee = (Map<?, ?>) ((Map<?, ?>) active.media()).get("callee");
        assertEquals("DTLS-SRTP", caller.get("kind"));
        Map<?, ?> dtls = (Map<?, ?>) caller.get("dtls");
        assertEquals("ok", dtls.get("outcome"));
        assertEquals("established", dtls.get("state"));
        assertEquals("nominated", dtls.get("ice"));
        assertTrue(((Number) dtls.get("handshakeMs")).longValue() >= 0);
        assertEquals("SDES", callee.get("kind"));
    }

    @Test
    void aDeskPhoneCallsABrowserWhichIsOfferedDtlsSrtpAndEachDecryptsTheOthersMedia() throws Exception {
        CallPhone desk = phone("2131");
        CallPhone browserSip = phone("2132", "<sip:2132@k3j2h1g0.invalid;transport=ws>");
        BrowserPeer browser = browser();

        String callId = UUID.randomUUID().toString();
        desk.send(desk.invite(browserSip.user, callId, desk.sdp()));
        SIPRequest invite = browserSip.expectRequest("INVITE");
        String offer = new String(invite.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(offer.contains(" UDP/TLS/RTP/SAVPF ") && offer.contains("a=setup:actpass")
                && offer.contains("a=ice-lite") && offer.contains("a=fingerprint:sha-256 "), offer);
        assertFalse(offer.contains("a=crypto") || offer.contains(desk.ownKey.inline()), "no SDES key to a browser");
        browserSip.answer(invite, 200, "browser-tag", browser.answer(offer));
        SIPResponse ok = desk.expectResponse(200, "INVITE");
        String deskAnswer = new String(ok.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(deskAnswer.contains(" RTP/SAVP ") && deskAnswer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80"),
                "the desk phone's answer is SDES: " + deskAnswer);
        assertFalse(deskAnswer.contains("fingerprint") || deskAnswer.contains("ice-"), deskAnswer);
        desk.hubSdp(ok);
        desk.send(desk.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + desk.user, ok.getTo().getTag(),
                "<sip:" + browserSip.user + "@hub.test>", ok.getCSeq().getSeqNumber(), null));
        browserSip.expectRequest("ACK");

        connectAndTalk(browser, desk, "callee");
        Map<?, ?> media = (Map<?, ?>) sip.activeCalls().get(0).media();
        assertEquals("SDES", ((Map<?, ?>) media.get("caller")).get("kind"));
        Map<?, ?> callee = (Map<?, ?>) media.get("callee");
        assertEquals("DTLS-SRTP", callee.get("kind"));
        assertEquals("ok", ((Map<?, ?>) callee.get("dtls")).get("outcome"));
        assertEquals("server", ((Map<?, ?>) callee.get("dtls")).get("role"), "the browser answered active");
    }

    @Test
    void aDeskPhoneIsNeverOfferedDtlsEvenWhenTheHubServesIt() throws Exception {
        CallPhone caller = phone("2141");
        CallPhone desk = phone("2142");

        caller.send(caller.invite(desk.user, UUID.randomUUID().toString(), caller.sdp()));
        SIPRequest invite = desk.expectRequest("INVITE");

        String offer = new String(invite.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(offer.contains(" RTP/SAVP ") && offer.contains("a=crypto:1 "), offer);
        assertFalse(offer.contains("fingerprint") || offer.contains("UDP/TLS"), offer);
    }

    @Test
    void aBrowserWhoseCertificateIsNotItsFingerprintIsRefusedAndTheCallEndedAndAudited() throws Exception {
        CallPhone browserSip = phone("2111");
        BrowserPeer browser = browser();
        browser.offerAnotherFingerprint();
        CallPhone desk = phone("2112");
        Call call = call(browserSip, browser, desk);
        browser.read(call.browserAnswer);
        browser.checkConnectivity();

        assertThrows(IOException.class, browser::handshake, "the hub refuses the handshake");

        SIPRequest byeToBrowser = browserSip.expectRequest("BYE");
        browserSip.answer(byeToBrowser, 200, null, null);
        SIPRequest byeToDesk = desk.expectRequest("BYE");
        desk.answer(byeToDesk, 200, null, null);
        CallRecord ended = awaitRecord();
        assertEquals(EndCause.DTLS_FAILED, ended.cause());
        assertEquals("DTLS-SRTP", ended.media().get("caller").get("kind"));
        CallRefused refused = refusals.stream().filter(r -> r.code().equals("dtls-failed")).findFirst().orElseThrow();
        assertEquals("fingerprint-mismatch", refused.detail());
        assertTrue(refused.who().contains("2111"), refused.who());
        assertEquals(1.0, metrics.get("hub.relay.dtls.handshakes").tag("outcome", "fingerprint_mismatch").counter()
                .count());
        assertEquals(1.0, metrics.get("hub.calls.ended").tag("cause", "dtls-failed").counter().count());
    }

    @Test
    void aFingerprintInAnUnknownHashIsRefused488WithItsReason() throws Exception {
        CallPhone browserSip = phone("2121");
        BrowserPeer browser = browser();
        phone("2122");
        String offer = browser.offer().replace(browser.fingerprint(), "md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");

        browserSip.send(browserSip.invite("2122", UUID.randomUUID().toString(), offer));
        SIPResponse refused = browserSip.expectFinal("INVITE");

        assertEquals(488, refused.getStatusCode());
        assertTrue(refused.getHeader("Warning").toString().contains(
                "bad-sdp: fingerprint hash md5 is not one of sha-256, sha-384, sha-512"), refused.encode());
        assertTrue(sip.activeCalls().isEmpty());
    }

    @Test
    void aBrowserHoldsAndResumesWithReInvitesKeepingItsDtlsAssociationAndTheMediaGoesOn() throws Exception {
        CallPhone browserSip = phone("2151");
        BrowserPeer browser = browser();
        CallPhone desk = phone("2152");
        Call call = call(browserSip, browser, desk);
        HubAnswer first = browser.read(call.browserAnswer());
        connectAndTalk(browser, desk, "caller");

        for (String direction : List.of("sendonly", "sendrecv")) {
            SIPRequest reinvite = reinvite(browserSip, call, desk, browser.offer(direction));
            String deskOffer = new String(reinvite.getRawContent(), StandardCharsets.UTF_8);
            assertTrue(deskOffer.contains(" RTP/SAVP ") && deskOffer.contains("a=" + direction)
                    && !deskOffer.contains("fingerprint"), deskOffer);
            assertEquals(crypto(call.deskInvite()), crypto(reinvite), "the desk phone's hub key stays");
            String browserAnswer = answerReinvite(browserSip, call, desk, reinvite,
                    direction.equals("sendonly") ? "recvonly" : "sendrecv");
            HubAnswer again = browser.read(browserAnswer);
            assertEquals(first.media(), again.media());
            assertArrayEquals(first.fingerprint(), again.fingerprint(), "the hub's fingerprint");
            assertEquals(first.iceUfrag(), again.iceUfrag(), "no ICE restart was asked");
            assertEquals("passive", again.setup(), "the role in place");
        }

        talk(browser, desk, 11);
        Map<?, ?> caller = (Map<?, ?>) ((Map<?, ?>) sip.activeCalls().get(0).media()).get("caller");
        assertEquals("ok", ((Map<?, ?>) caller.get("dtls")).get("outcome"));
        assertEquals(1.0, metrics.get("hub.relay.dtls.handshakes").tag("outcome", "ok").counter().count(),
                "one association all along");
    }

    @Test
    void aBrowsersReInviteWithNewIceCredentialsRestartsIceAndTheMediaGoesOnAfterTheNewCheck() throws Exception {
        CallPhone browserSip = phone("2181");
        BrowserPeer browser = browser();
        CallPhone desk = phone("2182");
        Call call = call(browserSip, browser, desk);
        HubAnswer first = browser.read(call.browserAnswer());
        connectAndTalk(browser, desk, "caller");

        browser.restartIce();
        SIPRequest reinvite = reinvite(browserSip, call, desk, browser.offer());
        assertEquals(crypto(call.deskInvite()), crypto(reinvite), "an ICE restart keeps the keys");
        HubAnswer restarted = browser.read(answerReinvite(browserSip, call, desk, reinvite, "sendrecv"));

        assertNotEquals(first.iceUfrag(), restarted.iceUfrag(), "the hub restarts with new credentials");
        assertNotEquals(first.icePassword(), restarted.icePassword());
        assertArrayEquals(first.fingerprint(), restarted.fingerprint());
        Map<?, ?> caller = (Map<?, ?>) ((Map<?, ?>) sip.activeCalls().get(0).media()).get("caller");
        assertEquals("waiting", ((Map<?, ?>) caller.get("dtls")).get("ice"), "consent starts again");
        browser.checkConnectivity();
        talk(browser, desk, 11);
        assertEquals(1.0, metrics.get("hub.relay.dtls.handshakes").tag("outcome", "ok").counter().count(),
                "the association outlives the ICE restart");
    }

    @Test
    void aReInviteWhoseFingerprintIsNotTheCertificateEndsTheCallAtTheNewHandshakeAndIsAudited() throws Exception {
        CallPhone browserSip = phone("2161");
        BrowserPeer browser = browser();
        CallPhone desk = phone("2162");
        Call call = call(browserSip, browser, desk);
        browser.read(call.browserAnswer());
        connectAndTalk(browser, desk, "caller");

        browser.offerAnotherFingerprint();
        SIPRequest reinvite = reinvite(browserSip, call, desk, browser.offer());
        browser.read(answerReinvite(browserSip, call, desk, reinvite, "sendrecv"));

        assertThrows(IOException.class, browser::handshake, "the hub refuses the new handshake");
        browserSip.answer(browserSip.expectRequest("BYE"), 200, null, null);
        desk.answer(desk.expectRequest("BYE"), 200, null, null);
        CallRecord ended = awaitRecord();
        assertEquals(EndCause.DTLS_FAILED, ended.cause());
        CallRefused refused = refusals.stream().filter(r -> r.code().equals("dtls-failed")).findFirst().orElseThrow();
        assertEquals("fingerprint-mismatch", refused.detail());
    }

    @Test
    void aDeskPhonesReInviteReachesItsBrowserCalleeAsTheHubsDtlsOfferAndTheAssociationStays() throws Exception {
        CallPhone desk = phone("2171");
        CallPhone browserSip = phone("2172", "<sip:2172@k3j2h1g0.invalid;transport=ws>");
        BrowserPeer browser = browser();
        String callId = UUID.randomUUID().toString();
        desk.send(desk.invite(browserSip.user, callId, desk.sdp()));
        SIPRequest invite = browserSip.expectRequest("INVITE");
        String offer = new String(invite.getRawContent(), StandardCharsets.UTF_8);
        HubAnswer first = HubAnswer.parse(offer);
        browserSip.answer(invite, 200, "browser-tag", browser.answer(offer));
        SIPResponse ok = desk.expectResponse(200, "INVITE");
        desk.hubSdp(ok);
        desk.send(desk.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + desk.user, ok.getTo().getTag(),
                "<sip:" + browserSip.user + "@hub.test>", ok.getCSeq().getSeqNumber(), null));
        browserSip.expectRequest("ACK");
        connectAndTalk(browser, desk, "callee");

        int cseq = desk.nextCseq();
        desk.send(desk.request("INVITE", "sip:hub@127.0.0.1", callId, "tag-" + desk.user, ok.getTo().getTag(),
                "<sip:" + browserSip.user + "@hub.test>", cseq, desk.sdp("RTP/SAVP", "sendonly", false),
                "Contact: " + desk.contact()));
        SIPRequest reinvite = browserSip.expectRequest("INVITE");
        String hubOffer = new String(reinvite.getRawContent(), StandardCharsets.UTF_8);
        HubAnswer again = HubAnswer.parse(hubOffer);
        assertTrue(hubOffer.contains(" UDP/TLS/RTP/SAVPF ") && hubOffer.contains("a=sendonly")
                && !hubOffer.contains("a=crypto"), hubOffer);
        assertArrayEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.iceUfrag(), again.iceUfrag());
        assertEquals("passive", again.setup(), "the hub offers its role in place: the browser stays the client");
        browserSip.answer(reinvite, 200, null, browser.answer(hubOffer, "recvonly"));
        SIPResponse held = desk.expectResponse(200, "INVITE");
        String deskAnswer = new String(held.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(deskAnswer.contains(" RTP/SAVP ") && deskAnswer.contains("a=recvonly"), deskAnswer);
        assertEquals(crypto(ok), crypto(held), "the association stays: so does the desk phone's hub key");
        desk.send(desk.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + desk.user, ok.getTo().getTag(),
                "<sip:" + browserSip.user + "@hub.test>", cseq, null));
        browserSip.expectRequest("ACK");

        talk(browser, desk, 11);
        assertEquals(1.0, metrics.get("hub.relay.dtls.handshakes").tag("outcome", "ok").counter().count());
    }

    /** The browser's re-INVITE in its call with {@code sdp}; the re-INVITE the desk phone got is returned. */
    private SIPRequest reinvite(CallPhone browserSip, Call call, CallPhone desk, String sdp) throws Exception {
        int cseq = browserSip.nextCseq();
        browserSip.send(browserSip.request("INVITE", "sip:hub@127.0.0.1", call.callId(), "tag-" + browserSip.user,
                call.hubTag(), "<sip:" + desk.user + "@hub.test>", cseq, sdp, "Contact: " + browserSip.contact()));
        call.reinviteCseq[0] = cseq;
        return desk.expectRequest("INVITE");
    }

    /**
     * The desk phone answers the re-INVITE with {@code direction}, and the browser acknowledges the
     * hub's 200, whose SDP is returned.
     */
    private String answerReinvite(CallPhone browserSip, Call call, CallPhone desk, SIPRequest reinvite,
            String direction) throws Exception {
        desk.answer(reinvite, 200, null, desk.sdp("RTP/SAVP", direction, false));
        desk.expectRequest("ACK");
        desk.hubSdp(reinvite);
        SIPResponse ok = browserSip.expectResponse(200, "INVITE");
        browserSip.send(browserSip.request("ACK", "sip:hub@127.0.0.1", call.callId(), "tag-" + browserSip.user,
                call.hubTag(), "<sip:" + desk.user + "@hub.test>", call.reinviteCseq[0], null));
        return new String(ok.getRawContent(), StandardCharsets.UTF_8);
    }

    /** The {@code a=crypto} key of a message's SDP. */
    private static String crypto(SIPMessage message) {
        String sdp = new String(message.getRawContent(), StandardCharsets.UTF_8);
        int at = sdp.indexOf("inline:");
        return sdp.substring(at, sdp.indexOf("\r\n", at));
    }

    /**
     * The call as both ends see it once the browser's INVITE was answered by the desk phone: its
     * Call-ID, the hub's tag in the browser's dialog, and the CSeq of the browser's latest re-INVITE.
     */
    private record Call(SIPRequest deskInvite, String browserAnswer, String callId, String hubTag, int[] reinviteCseq) {
    }

    private Call call(CallPhone browserSip, BrowserPeer browser, CallPhone desk) throws Exception {
        String callId = UUID.randomUUID().toString();
        browserSip.send(browserSip.invite(desk.user, callId, browser.offer()));
        SIPRequest invite = desk.expectRequest("INVITE");
        desk.answer(invite, 200, "desk-tag", desk.sdp());
        SIPResponse ok = browserSip.expectResponse(200, "INVITE");
        desk.hubSdp(invite);
        desk.expectRequest("ACK");
        browserSip.send(browserSip.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + browserSip.user,
                ok.getTo().getTag(), "<sip:" + desk.user + "@hub.test>", ok.getCSeq().getSeqNumber(), null));
        return new Call(invite, new String(ok.getRawContent(), StandardCharsets.UTF_8), callId, ok.getTo().getTag(),
                new int[1]);
    }

    /**
     * The browser's ICE check and DTLS handshake, then ten packets each way: each side must decrypt
     * every packet of the other, the browser with no authentication failure.
     */
    private void connectAndTalk(BrowserPeer browser, CallPhone desk, String browserLeg) throws Exception {
        browser.checkConnectivity();
        browser.handshake();
        awaitHubKeys(browserLeg);
        desk.sendMedia();
        // The relay reads each leg's socket on its own loop: the browser's first packet must not
        // pass the desk phone's, which tells the relay where the desk phone is.
        awaitLatched("caller".equals(browserLeg) ? "callee" : "caller");
        talk(browser, desk, 1);
    }

    private void awaitLatched(String leg) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            Map<?, ?> media = (Map<?, ?>) sip.activeCalls().get(0).media();
            if (((Map<?, ?>) media.get(leg)).get("latched") != null) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the relay never learnt where the " + leg + " is");
    }

    /** Ten packets each way from the browser's sequence {@code first}, as {@link #connectAndTalk} checks them. */
    private void talk(BrowserPeer browser, CallPhone desk, int first) throws Exception {
        for (int seq = first; seq < first + 10; seq++) {
            browser.sendAudio(seq);
            byte[] heard = receive(desk);
            assertArrayEquals(BrowserPeer.payload(seq), Arrays.copyOfRange(heard, 12, heard.length),
                    "the desk phone decrypts the browser's packet " + seq);
            desk.sendMedia();
            byte[] fromDesk = browser.receiveAudio();
            assertNotNull(fromDesk, "the browser decrypts the desk phone's packet " + seq);
            assertEquals(12 + 160, fromDesk.length);
        }
        assertEquals(0, browser.authFailures());
    }

    /**
     * Waits until the hub's side of the browser's handshake has its keys too: the browser's client
     * finishes on the hub's last flight, a moment before the hub's handshake thread hands the keys on.
     */
    private void awaitHubKeys(String leg) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            Map<?, ?> media = (Map<?, ?>) sip.activeCalls().get(0).media();
            Map<?, ?> dtls = (Map<?, ?>) ((Map<?, ?>) media.get(leg)).get("dtls");
            if (dtls != null && "ok".equals(dtls.get("outcome"))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the hub's DTLS leg never got its keys");
    }

    /** The desk phone's next packet, waiting a bounded number of its 200 ms reads. */
    private static byte[] receive(CallPhone desk) throws IOException {
        for (int i = 0; i < 25; i++) {
            byte[] packet = desk.receiveMedia();
            if (packet != null) {
                return packet;
            }
        }
        throw new AssertionError("the desk phone heard nothing");
    }

    private CallRecord awaitRecord() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<CallRecord> recent = records.recent(10);
            if (!recent.isEmpty()) {
                return recent.get(0);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no call record was written");
    }

    private CallPhone phone(String user) throws Exception {
        return phone(user, null);
    }

    /** A registered phone; with {@code contact}, registered under that contact (a browser's). */
    private CallPhone phone(String user, String contact) throws Exception {
        CallPhone phone = new CallPhone(user, SipTestClient.tls(sip.tlsPort(),
                PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), null, null)).withContact(contact);
        closing.add(phone);
        clock.advance(Duration.ofSeconds(1));
        phone.register("secret");
        return phone;
    }

    private BrowserPeer browser() throws Exception {
        BrowserPeer browser = BrowserPeer.start();
        closing.add(browser);
        return browser;
    }
}
