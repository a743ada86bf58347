package io.hub.sip;

import static io.hub.sip.CallPhone.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.MutableClock;
import io.hub.pki.PemFiles;
import io.hub.sip.CallPhone.Established;
import io.hub.sip.call.CallRecord;
import io.hub.sip.call.CallRefusal;
import io.hub.sip.call.CallSettings;
import io.hub.sip.call.EndCause;
import io.hub.sip.call.JdbcCallRecords;
import io.hub.sip.location.JdbcBindingStore;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.SipCredentials;
import io.hub.relay.RelayConfig;
import io.hub.relay.RelayMode;
import io.hub.relay.sdp.SessionDescription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between two registered phones through the hub over real TLS flows, with SRTP media through
 * the real relay on loopback: setup, media both ways with a key per leg, hold, CANCEL, BYE from
 * either side, every refusal, and the records the hub keeps.
 */
class CallRoutingTest {

    private static final Map<String, SipCredentials> ACCOUNTS = Map.of(
            "2001", DigestAuthenticator.credentials("2001", "hub.test", "pw-2001",
                    Optional.of(MacAddress.parse("00809f000001")), true),
            "2002", DigestAuthenticator.credentials("2002", "hub.test", "pw-2002",
                    Optional.of(MacAddress.parse("00809f000002")), true),
            "2003", DigestAuthenticator.credentials("2003", "hub.test", "pw-2003", Optional.empty(), true));

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private HubPki pki;
    private HikariDataSource database;
    private SipService sip;
    private JdbcCallRecords records;
    private HandMovedTimers timers;
    private SimpleMeterRegistry metrics;
    private final List<CallPhone> phones = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), java.time.Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        database = new HikariDataSource();
        database.setJdbcUrl("jdbc:h2:file:" + home.resolve("db/hub") + ";WRITE_DELAY=0");
        records = new JdbcCallRecords(database);
        start(CallSettings.standard().withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofMinutes(30), Duration.ofSeconds(60)));
    }

    private void start(CallSettings settings) throws Exception {
        start(settings, new RelayConfig(InetAddress.getLoopbackAddress(), 30000, 44999, Duration.ofSeconds(60), 8000));
    }

    private void start(CallSettings settings, RelayConfig relay) throws Exception {
        CredentialSource credentials = (user, domain) -> "hub.test".equals(domain)
                ? Optional.ofNullable(ACCOUNTS.get(user)) : Optional.empty();
        timers = new HandMovedTimers(clock);
        metrics = new SimpleMeterRegistry();
        sip = TestSip.with(pki, home).credentials(credentials).bindings(new JdbcBindingStore(database)).clock(clock)
                .metrics(metrics).calls(new SipService.Calls(relay, settings, records, timers)).start();
    }

    @AfterEach
    void stop() {
        phones.forEach(CallPhone::close);
        sip.close();
        database.close();
    }

    private CallPhone phone(String user) throws Exception {
        CallPhone phone = new CallPhone(user, SipTestClient.tls(sip.tlsPort(),
                PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), null, null));
        phones.add(phone);
        // Nonces carry the time: on a clock that stands still, two challenges would be one nonce.
        clock.advance(Duration.ofSeconds(1));
        phone.register("pw-" + user);
        return phone;
    }

    @Test
    void aCallRingsTheCalleeDownItsFlowAndMediaFlowsBothWaysWithAKeyPerLeg() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");

        Established call = call(alice, bob);

        assertTrue(call.calleeInvite().getRequestURI().toString().contains("2002@10.0.0.2"),
                "the INVITE goes to the contact the callee registered: " + call.calleeInvite().getRequestURI());
        String offer = new String(call.calleeInvite().getRawContent(), StandardCharsets.UTF_8);
        assertFalse(offer.contains(alice.ownKey.inline()), "the caller's key never reaches the callee");
        assertFalse(offer.contains("a=candidate"), "ICE lines are removed");
        assertTrue(offer.contains("a=rtpmap:101 telephone-event/8000") && offer.contains("a=fmtp:101 0-15"),
                "codecs and telephone-event pass untouched");
        String answer = new String(call.callerOk().getRawContent(), StandardCharsets.UTF_8);
        assertFalse(answer.contains(bob.ownKey.inline()), "the callee's key never reaches the caller");
        assertNotEquals(alice.relay().getPort(), bob.relay().getPort(), "each phone has its own relay port");
        assertMediaBothWays(alice, bob);

        CallRecord active = sip.calls().active().get(0);
        assertEquals("sip:2001@hub.test", active.caller());
        assertEquals("sip:2002@hub.test", active.callee());
        assertNotNull(active.answeredAt());
        assertTrue(((Number) active.media().get("caller").get("packetsReceived")).longValue() > 0);
        assertTrue(((Number) active.media().get("callee").get("packetsReceived")).longValue() > 0);
        assertEquals(0L, ((Number) active.media().get("caller").get("authFailures")).longValue());

        alice.send(alice.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", alice.nextCseq(), null));
        alice.expectResponse(200, "BYE");
        SIPRequest bye = bob.expectRequest("BYE");
        bob.answer(bye, 200, null, null);

        CallRecord ended = awaitRecord();
        assertEquals(EndCause.CALLER_HUNG_UP, ended.cause());
        assertEquals(200, ended.status());
        assertTrue(sip.calls().active().isEmpty());
        assertEquals(RelayConfig.DEFAULT_MAX_PORT - RelayConfig.DEFAULT_MIN_PORT + 1, sip.relay().freePorts(),
                "the relay ports went back to the range");
    }

    @Test
    void theCalleeHangsUpAndTheCallerGetsTheBye() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);

        SIPRequest invite = call.calleeInvite();
        bob.send(bob.request("BYE", "sip:hub@127.0.0.1", invite.getCallId().getCallId(), "callee-tag",
                invite.getFromTag(), "<sip:2001@hub.test>", 1, null));
        bob.expectResponse(200, "BYE");
        SIPRequest bye = alice.expectRequest("BYE");
        assertEquals(call.callId(), bye.getCallId().getCallId(), "the BYE is in the caller's own dialog");
        assertEquals(call.hubTag(), bye.getFromTag());
        alice.answer(bye, 200, null, null);

        assertEquals(EndCause.CALLEE_HUNG_UP, awaitRecord().cause());
    }

    @Test
    void holdAndResumeGoThroughAsReInvitesAndMediaGoesOn() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);
        assertMediaBothWays(alice, bob);

        for (String direction : List.of("sendonly", "sendrecv")) {
            int cseq = alice.nextCseq();
            alice.send(alice.request("INVITE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                    "<sip:2002@hub.test>", cseq, alice.sdp("RTP/SAVP", direction, false), "Contact: " + alice.contact()));
            SIPRequest reinvite = bob.expectRequest("INVITE");
            assertEquals(call.calleeInvite().getCallId().getCallId(), reinvite.getCallId().getCallId());
            assertTrue(new String(reinvite.getRawContent(), StandardCharsets.UTF_8).contains("a=" + direction),
                    "the direction passes through");
            bob.answer(reinvite, 200, null, bob.sdp("RTP/SAVP", direction.equals("sendonly") ? "recvonly"
                    : "sendrecv", false));
            bob.expectRequest("ACK");
            SIPResponse ok = alice.expectResponse(200, "INVITE");
            assertTrue(new String(ok.getRawContent(), StandardCharsets.UTF_8).contains(
                    direction.equals("sendonly") ? "a=recvonly" : "a=sendrecv"));
            // The caller re-offers its own key: the callee's hub key stays (HubKeys), media is not disturbed.
            assertEquals(crypto(call.calleeInvite()), crypto(reinvite), "the callee's hub key stays");
            bob.hubSdp(reinvite);
            alice.hubSdp(ok);
            alice.send(alice.request("ACK", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                    "<sip:2002@hub.test>", cseq, null));
        }
        assertMediaBothWays(alice, bob);
    }

    @Test
    void updateInfoAndOptionsInsideTheCall() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);

        alice.send(alice.request("OPTIONS", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", alice.nextCseq(), null));
        assertEquals(200, alice.expectFinal("OPTIONS").getStatusCode(), "in-dialog OPTIONS is answered by the hub");

        alice.send(alice.request("INFO", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", alice.nextCseq(), null).replace("Content-Length: 0",
                "Content-Type: application/dtmf-relay\r\nContent-Length: 24").concat("Signal=5\r\nDuration=160\r\n"));
        SIPRequest info = bob.expectRequest("INFO");
        assertEquals("Signal=5\r\nDuration=160\r\n", new String(info.getRawContent(), StandardCharsets.UTF_8));
        bob.answer(info, 200, null, null);
        assertEquals(200, alice.expectFinal("INFO").getStatusCode(), "the callee's answer comes back");

        alice.send(alice.request("UPDATE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", alice.nextCseq(), alice.sdp("RTP/SAVP", "inactive", false),
                "Contact: " + alice.contact()));
        SIPRequest update = bob.expectRequest("UPDATE");
        assertTrue(new String(update.getRawContent(), StandardCharsets.UTF_8).contains("a=inactive"));
        bob.answer(update, 200, null, bob.sdp("RTP/SAVP", "inactive", false));
        SIPResponse updated = alice.expectFinal("UPDATE");
        assertEquals(200, updated.getStatusCode());
        assertTrue(new String(updated.getRawContent(), StandardCharsets.UTF_8).contains("a=crypto:1 "),
                "the hub answers with its key for the caller");

        alice.send(alice.request("INVITE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", 3, alice.sdp(), "Contact: " + alice.contact()));
        assertEquals(500, alice.expectFinal("INVITE").getStatusCode(), "a CSeq that goes backwards");
    }

    @Test
    void aCancelBeforeTheAnswerEndsBothLegs() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        String callId = UUID.randomUUID().toString();
        String invite = alice.invite("2002", callId, alice.sdp());
        alice.send(invite);
        SIPRequest toBob = bob.expectRequest("INVITE");
        bob.answer(toBob, 180, "bob-tag", null);
        alice.expectResponse(180, "INVITE");

        String branch = invite.replaceAll("(?s).*branch=([^;\r\n]+).*", "$1");
        alice.send(invite.replaceFirst("^INVITE", "CANCEL").replace(" INVITE\r\n", " CANCEL\r\n")
                .replaceAll("Content-Type: application/sdp\r\n", "").replaceAll("(?s)Content-Length: \\d+\r\n\r\n.*",
                        "Content-Length: 0\r\n\r\n").replaceAll("branch=[^;\r\n]+", "branch=" + branch));
        alice.expectResponse(200, "CANCEL");
        alice.expectResponse(487, "INVITE");
        SIPRequest cancel = bob.expectRequest("CANCEL");
        assertEquals(toBob.getTopmostVia().getBranch(), cancel.getTopmostVia().getBranch(),
                "the CANCEL matches the callee's INVITE transaction");
        bob.answer(cancel, 200, null, null);
        bob.answer(toBob, 487, "bob-tag", null);
        bob.expectRequest("ACK");

        assertEquals(EndCause.CANCELLED, awaitRecord().cause());
    }

    @Test
    void busyAndDeclineAreHandedBack() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        for (int status : List.of(486, 603)) {
            alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
            SIPRequest toBob = bob.expectRequest("INVITE");
            bob.answer(toBob, status, "bob-tag", null);
            bob.expectRequest("ACK");
            assertEquals(status, alice.expectFinal("INVITE").getStatusCode());
        }
        List<CallRecord> ended = awaitRecords(2);
        assertEquals(java.util.Set.of(EndCause.DECLINED, EndCause.BUSY),
                ended.stream().map(CallRecord::cause).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void refusalsBeforeRinging() throws Exception {
        List<CallRefusal.Refused> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
        sip.calls().onRefusal(audited::add);
        CallPhone alice = phone("2001");

        alice.send(alice.invite("2999", UUID.randomUUID().toString(), alice.sdp()));
        assertEquals(404, alice.expectFinal("INVITE").getStatusCode(), "unknown extension");

        alice.send(alice.invite("2003", UUID.randomUUID().toString(), alice.sdp()));
        assertEquals(480, alice.expectFinal("INVITE").getStatusCode(), "provisioned but not registered");

        phone("2002");
        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp("RTP/AVP", "sendrecv", false)));
        SIPResponse plain = alice.expectFinal("INVITE");
        assertEquals(488, plain.getStatusCode(), "RTP/AVP only");
        assertTrue(plain.getHeader("Warning").toString().contains("399 hub \"srtp-required: SRTP is mandatory"),
                plain.encode());
        assertTrue(plain.getHeader("Warning").toString().contains("SRTP is mandatory"), plain.encode());

        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp())
                .replace("Max-Forwards: 70", "Max-Forwards: 0"));
        assertEquals(483, alice.expectFinal("INVITE").getStatusCode(), "Max-Forwards exhausted");

        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp())
                .replace("Max-Forwards: 70", "Max-Forwards: 70\r\nRequire: 100rel"));
        SIPResponse extension = alice.expectFinal("INVITE");
        assertEquals(420, extension.getStatusCode());
        assertEquals("100rel", ((javax.sip.header.UnsupportedHeader) extension.getHeader("Unsupported")).getOptionTag());

        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp())
                .replace("From: <sip:2001@", "From: <sip:2002@"));
        assertEquals(403, alice.expectFinal("INVITE").getStatusCode(), "a forged From");

        alice.send(alice.request("BYE", "sip:hub@127.0.0.1", "no-such-call", "x", "y", "<sip:2002@hub.test>", 5,
                null));
        assertEquals(481, alice.expectFinal("BYE").getStatusCode(), "a BYE for no dialog");
        alice.send(alice.request("INVITE", "sip:hub@127.0.0.1", "no-such-call", "x", "y", "<sip:2002@hub.test>", 6,
                alice.sdp()));
        assertEquals(481, alice.expectFinal("INVITE").getStatusCode(), "a re-INVITE for no dialog");

        assertEquals(RelayConfig.DEFAULT_MAX_PORT - RelayConfig.DEFAULT_MIN_PORT + 1, sip.relay().freePorts(),
                "no refusal keeps a relay port");
        List<CallRefusal> expected = List.of(CallRefusal.UNKNOWN, CallRefusal.OFFLINE, CallRefusal.SRTP_REQUIRED,
                CallRefusal.TOO_MANY_HOPS, CallRefusal.UNSUPPORTED_EXTENSION, CallRefusal.FROM_MISMATCH,
                CallRefusal.NO_DIALOG, CallRefusal.NO_DIALOG);
        assertEquals(expected, audited.stream().map(CallRefusal.Refused::cause).toList(),
                "every refusal reaches the audit listeners, in order");
        assertEquals("sip:2001@hub.test", audited.get(0).who());
        assertEquals(2.0, metrics.counter("hub.calls.refused", "reason", "no-dialog").count());
        assertEquals(1.0, metrics.counter("hub.calls.refused", "reason", "srtp-required").count());
    }

    @Test
    void anUnregisteredConnectionCannotCall() throws Exception {
        phone("2002");
        try (CallPhone stranger = new CallPhone("2001", SipTestClient.tls(sip.tlsPort(),
                PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), null, null))) {
            stranger.send(stranger.invite("2002", UUID.randomUUID().toString(), stranger.sdp()));
            assertEquals(403, stranger.expectFinal("INVITE").getStatusCode());
        }
    }

    @Test
    void everyFlowOfTheCalleeRingsAndTheFirstAnswerWins() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone desk = phone("2002");
        CallPhone soft = phone("2002");
        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, alice.sdp()));
        SIPRequest toDesk = desk.expectRequest("INVITE");
        SIPRequest toSoft = soft.expectRequest("INVITE");
        assertNotEquals(crypto(toDesk), crypto(toSoft), "every ringing phone gets a key of its own");
        desk.answer(toDesk, 180, "desk", null);
        soft.answer(toSoft, 180, "soft", null);
        soft.answer(toSoft, 200, "soft", soft.sdp());
        soft.expectRequest("ACK");
        SIPRequest cancel = desk.expectRequest("CANCEL");
        desk.answer(cancel, 200, null, null);
        desk.answer(toDesk, 487, "desk", null);
        desk.expectRequest("ACK");
        SIPResponse ok = alice.expectResponse(200, "INVITE");
        alice.hubSdp(ok);
        soft.hubSdp(toSoft);
        alice.send(alice.request("ACK", "sip:hub@127.0.0.1", callId, "tag-2001", ok.getTo().getTag(),
                "<sip:2002@hub.test>", ok.getCSeq().getSeqNumber(), null));
        assertMediaBothWays(alice, soft);
    }

    @Test
    void deadMediaEndsTheCallWithAByeToBothPhones() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);
        assertMediaBothWays(alice, bob);

        clock.advance(Duration.ofSeconds(61));
        // The relay's own thread looks at the clock about once a second; asking it now saves the wait.
        sip.relay().expire(clock.instant());

        SIPRequest toAlice = alice.expectRequest("BYE");
        SIPRequest toBob = bob.expectRequest("BYE");
        assertEquals(call.callId(), toAlice.getCallId().getCallId());
        assertEquals(call.calleeInvite().getCallId().getCallId(), toBob.getCallId().getCallId());
        assertEquals(EndCause.MEDIA_TIMEOUT, awaitRecord().cause());
    }

    @Test
    void spoofedPacketsAreDroppedAndCounted() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        call(alice, bob);
        assertMediaBothWays(alice, bob);
        try (java.net.DatagramSocket spoofer = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;
            for (int i = 0; i < 20; i++) {
                spoofer.send(new java.net.DatagramPacket(rtp, rtp.length, alice.relay()));
            }
        }
        for (int i = 0; i < 50; i++) {
            Object failures = sip.calls().active().get(0).media().get("caller").get("authFailures");
            if (((Number) failures).longValue() == 20) {
                break;
            }
            Thread.sleep(20);
        }
        Map<String, Object> caller = sip.calls().active().get(0).media().get("caller");
        assertEquals(20L, ((Number) caller.get("authFailures")).longValue());
        assertTrue(caller.get("latched").toString().endsWith(":" + alice.media.getLocalPort()),
                "the latch stays on the real phone: " + caller.get("latched"));
        assertMediaBothWays(alice, bob);
    }

    @Test
    void manyCallsLeaveNoPortBehind() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        int before = sip.relay().freePorts();
        for (int i = 0; i < 25; i++) {
            Established call = call(alice, bob);
            alice.send(alice.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                    "<sip:2002@hub.test>", alice.nextCseq(), null));
            alice.expectResponse(200, "BYE");
            bob.answer(bob.expectRequest("BYE"), 200, null, null);
        }
        awaitRecords(25);
        assertEquals(before, sip.relay().freePorts());
        assertTrue(sip.relay().sessions().isEmpty());
    }

    @Test
    void passthroughForwardsTheOfferersKey() throws Exception {
        sip.close();
        start(CallSettings.standard().withMode(RelayMode.PASSTHROUGH));
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        String offer = new String(invite.getRawContent(), StandardCharsets.UTF_8);
        assertTrue(offer.contains(alice.ownKey.inline()), "passthrough keeps the end-to-end key");
        SessionDescription rewritten = SessionDescription.parse(offer);
        assertEquals("127.0.0.1", rewritten.media().get(0).connectionAddress(rewritten));
        assertNotEquals(alice.media.getLocalPort(), rewritten.media().get(0).port(), "but the relay's port");

        bob.answer(invite, 200, "bob", bob.sdp());
        SIPResponse ok = alice.expectResponse(200, "INVITE");
        assertTrue(new String(ok.getRawContent(), StandardCharsets.UTF_8).contains(bob.ownKey.inline()));
        // End to end keys: each phone decrypts what the other encrypted, through the relay's ports.
        alice.hubSdp(ok);
        bob.hubSdp(invite);
        assertMediaBothWays(alice, bob);
    }

    @Test
    void crossingReInvitesGet491AndACallerThatDropsWhileRingingCancelsTheCallee() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);
        int cseq = alice.nextCseq();
        alice.send(alice.request("INVITE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", cseq, alice.sdp("RTP/SAVP", "sendonly", false), "Contact: " + alice.contact()));
        SIPRequest fromAlice = bob.expectRequest("INVITE");
        SIPRequest invite = call.calleeInvite();
        bob.send(bob.request("INVITE", "sip:hub@127.0.0.1", invite.getCallId().getCallId(), "callee-tag",
                invite.getFromTag(), "<sip:2001@hub.test>", 2, bob.sdp(), "Contact: " + bob.contact()));
        assertEquals(491, bob.expectFinal("INVITE").getStatusCode(), "one offer at a time");
        bob.answer(fromAlice, 200, null, bob.sdp("RTP/SAVP", "recvonly", false));
        assertEquals(200, alice.expectFinal("INVITE").getStatusCode());

        CallPhone carol = phone("2003");
        carol.send(carol.invite("2002", UUID.randomUUID().toString(), carol.sdp()));
        SIPRequest ringing = bob.expectRequest("INVITE");
        bob.answer(ringing, 180, "bob-2", null);
        carol.expectResponse(180, "INVITE");
        carol.sip.close();
        SIPRequest cancel = bob.expectRequest("CANCEL");
        assertEquals(ringing.getTopmostVia().getBranch(), cancel.getTopmostVia().getBranch());
        bob.answer(cancel, 200, null, null);
        bob.answer(ringing, 487, "bob-2", null);
        bob.expectRequest("ACK");
        assertTrue(awaitRecords(1).stream().anyMatch(r -> r.cause() == EndCause.PHONE_GONE));
    }

    @Test
    void aCallNobodyAnswersIsCancelledAndTheCallerHears480() throws Exception {
        sip.close();
        start(CallSettings.standard());
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        bob.answer(invite, 180, "bob", null);
        alice.expectResponse(180, "INVITE");

        timers.advance(CallSettings.standard().ringTimeout().minusSeconds(1));
        assertEquals(1, sip.calls().active().size(), "a second before the ring timeout the call still rings");
        timers.advance(Duration.ofSeconds(1));

        SIPRequest cancel = bob.expectRequest("CANCEL");
        bob.answer(cancel, 200, null, null);
        bob.answer(invite, 487, "bob", null);
        bob.expectRequest("ACK");
        assertEquals(480, alice.expectFinal("INVITE").getStatusCode());
        assertEquals(EndCause.NO_ANSWER, awaitRecord().cause());
    }

    @Test
    void aFullRelayIsAnswered503AndTheCallAfterItWorks() throws Exception {
        sip.close();
        int first = io.hub.relay.FreePorts.fourFrom(46000 + 4 * new java.util.Random().nextInt(250));
        start(CallSettings.standard(), new RelayConfig(InetAddress.getLoopbackAddress(), first, first + 3,
                Duration.ofSeconds(60), 8000));
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);

        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
        SIPResponse full = alice.expectFinal("INVITE");
        assertEquals(503, full.getStatusCode(), "no ports left for a second call");
        assertNotNull(full.getHeader("Retry-After"));

        alice.send(alice.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-2001", call.hubTag(),
                "<sip:2002@hub.test>", alice.nextCseq(), null));
        alice.expectResponse(200, "BYE");
        bob.answer(bob.expectRequest("BYE"), 200, null, null);
        awaitRecord();
        call(alice, bob);
        assertMediaBothWays(alice, bob);
    }

    @Test
    void aCalleeThatNeverAnswersFailsWith408AndACallerThatNeverAcksIsHungUp() throws Exception {
        sip.close();
        start(CallSettings.standard());
        Duration timerB = CallSettings.standard().transactionTimeout();
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
        bob.expectRequest("INVITE");
        timers.advance(timerB);
        assertEquals(408, alice.expectFinal("INVITE").getStatusCode(), "no answer at all from the only flow");
        assertEquals(EndCause.NO_ANSWER, awaitRecord().cause());

        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        bob.answer(invite, 200, "bob", bob.sdp());
        bob.expectRequest("ACK");
        alice.expectResponse(200, "INVITE");
        timers.advance(timerB.minusSeconds(1));
        assertEquals(1, sip.calls().active().size(), "the ACK may take until timer B");
        timers.advance(Duration.ofSeconds(1));
        SIPRequest toAlice = alice.expectRequest("BYE");
        SIPRequest toBob = bob.expectRequest("BYE");
        assertEquals(callId, toAlice.getCallId().getCallId());
        assertEquals(invite.getCallId().getCallId(), toBob.getCallId().getCallId());
        assertTrue(awaitRecords(2).stream().anyMatch(r -> r.cause() == EndCause.NO_ACK));
    }

    @Test
    void aLongRingAndALongHoldAreNotTakenForDeadMedia() throws Exception {
        sip.close();
        start(CallSettings.standard());
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        bob.answer(invite, 180, "bob", null);
        alice.expectResponse(180, "INVITE");
        clock.advance(Duration.ofSeconds(90));
        assertTrue(sip.relay().expire(clock.instant()).isEmpty(), "ringing for 90 s is not dead media");
        assertEquals(1, sip.calls().active().size());

        bob.answer(invite, 200, "bob", bob.sdp());
        SIPResponse ok = alice.expectResponse(200, "INVITE");
        alice.send(alice.request("ACK", "sip:hub@127.0.0.1", callId, "tag-2001", ok.getTo().getTag(),
                "<sip:2002@hub.test>", ok.getCSeq().getSeqNumber(), null));
        alice.hubSdp(ok);
        bob.hubSdp(invite);
        assertMediaBothWays(alice, bob);

        reInvite(alice, bob, callId, ok.getTo().getTag(), "sendonly", 200);
        clock.advance(Duration.ofMinutes(5));
        assertTrue(sip.relay().expire(clock.instant()).isEmpty(), "five silent minutes on hold are not dead media");
        reInvite(alice, bob, callId, ok.getTo().getTag(), "sendrecv", 200);
        clock.advance(Duration.ofSeconds(59));
        assertTrue(sip.relay().expire(clock.instant()).isEmpty(), "the resumed call gets a fresh minute");
        assertEquals(1, sip.calls().active().size());
        assertMediaBothWays(alice, bob);
    }

    @Test
    void aRefusedReofferLeavesTheMediaAsItWas() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        Established call = call(alice, bob);
        assertMediaBothWays(alice, bob);

        alice.rekey();
        reInvite(alice, bob, call.callId(), call.hubTag(), "sendrecv", 488);
        alice.keepOldKey();
        assertMediaBothWays(alice, bob);
        assertEquals(0L, ((Number) sip.calls().active().get(0).media().get("caller").get("authFailures"))
                .longValue(), "the relay still decrypts the caller with its old key");
    }

    /** A re-INVITE from {@code from} answered {@code status} by the other phone; both take the new hub keys. */
    private void reInvite(CallPhone from, CallPhone to, String callId, String hubTag, String direction, int status)
            throws Exception {
        int cseq = from.nextCseq();
        from.send(from.request("INVITE", "sip:hub@127.0.0.1", callId, "tag-" + from.user, hubTag,
                "<sip:" + to.user + "@hub.test>", cseq, from.sdp("RTP/SAVP", direction, false),
                "Contact: " + from.contact()));
        SIPRequest reinvite = to.expectRequest("INVITE");
        to.answer(reinvite, status, null, status == 200 ? to.sdp("RTP/SAVP", direction.equals("sendonly")
                ? "recvonly" : "sendrecv", false) : null);
        to.expectRequest("ACK");
        SIPResponse answer = from.expectFinal("INVITE");
        assertEquals(status, answer.getStatusCode());
        from.send(from.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + from.user, hubTag,
                "<sip:" + to.user + "@hub.test>", cseq, null));
        if (status == 200) {
            to.hubSdp(reinvite);
            from.hubSdp(answer);
        }
    }

    @Test
    void aMuxingCallerAndAPairedCalleeEachGetWhatTheyOffered() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp("RTP/SAVP", "sendrecv", true)));
        SIPRequest invite = bob.expectRequest("INVITE");
        SessionDescription offer = SessionDescription.parse(new String(invite.getRawContent(), StandardCharsets.UTF_8));
        assertFalse(offer.media().get(0).attribute("rtcp-mux").isPresent(), "the callee's leg is a port pair");
        bob.answer(invite, 200, "bob", bob.sdp());
        SIPResponse ok = alice.expectResponse(200, "INVITE");
        SessionDescription answer = SessionDescription.parse(new String(ok.getRawContent(), StandardCharsets.UTF_8));
        assertTrue(answer.media().get(0).attribute("rtcp-mux").isPresent(), "the caller keeps its rtcp-mux");
    }

    @Test
    void whatACallerWritesCannotBreakOrForgeTheCall() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");

        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()).replaceFirst("Contact: [^\r]*\r\n",
                ""));
        assertEquals(400, alice.expectFinal("INVITE").getStatusCode(), "an INVITE needs a Contact");

        String invite = alice.invite("2002", UUID.randomUUID().toString(), alice.sdp())
                .replace("Max-Forwards: 70\r\n", "")
                .replace("From: <sip:2001@hub.test>", "From: \"Reception 2000\" <sip:2001@evil.example;user=phone>");
        alice.send(invite);
        SIPRequest toBob = bob.expectRequest("INVITE");
        assertEquals(69, toBob.getMaxForwards().getMaxForwards(), "no Max-Forwards counts as 70");
        assertEquals("sip:2001@hub.test", toBob.getFrom().getAddress().getURI().toString(),
                "the callee sees the registered AOR, not what the caller wrote");
        assertTrue(toBob.getHeader("P-Asserted-Identity").toString().contains("<sip:2001@hub.test>"));

        String branch = invite.replaceAll("(?s).*branch=([^;\r\n]+).*", "$1");
        String cancel = invite.replaceFirst("^INVITE", "CANCEL").replace(" INVITE\r\n", " CANCEL\r\n")
                .replaceAll("Content-Type: application/sdp\r\n", "")
                .replaceAll("(?s)Content-Length: \\d+\r\n\r\n.*", "Content-Length: 0\r\n\r\n");
        alice.send(cancel.replace(branch, branch + "x"));
        assertEquals(481, alice.expectFinal("CANCEL").getStatusCode(), "a CANCEL for another transaction");

        bob.answer(toBob, 401, "bob", null);
        bob.expectRequest("ACK");
        assertEquals(480, alice.expectFinal("INVITE").getStatusCode(), "a challenge is not the caller's to answer");
    }

    @Test
    void aCalleeThatRefusesTheAudioInItsAnswerIsHungUp() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        bob.answer(invite, 200, "bob", bob.sdp().replaceFirst("m=audio \\d+", "m=audio 0"));
        bob.expectRequest("ACK");
        bob.answer(bob.expectRequest("BYE"), 200, null, null);
        SIPResponse refused = alice.expectFinal("INVITE");
        assertEquals(488, refused.getStatusCode());
        assertNotNull(refused.getHeader("Warning"));
        assertEquals(RelayConfig.DEFAULT_MAX_PORT - RelayConfig.DEFAULT_MIN_PORT + 1, sip.relay().freePorts());
    }

    @Test
    void aCalleeByeBeforeTheCallersAckWaitsForTheAck() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, alice.sdp()));
        SIPRequest invite = bob.expectRequest("INVITE");
        bob.answer(invite, 200, "bob", bob.sdp());
        bob.expectRequest("ACK");
        bob.send(bob.request("BYE", "sip:hub@127.0.0.1", invite.getCallId().getCallId(), "bob", invite.getFromTag(),
                "<sip:2001@hub.test>", 1, null));
        bob.expectResponse(200, "BYE");
        SIPResponse ok = alice.expectResponse(200, "INVITE");
        assertTrue(sip.calls().active().size() == 1, "the caller has not acknowledged; the call waits for it");
        alice.send(alice.request("ACK", "sip:hub@127.0.0.1", callId, "tag-2001", ok.getTo().getTag(),
                "<sip:2002@hub.test>", ok.getCSeq().getSeqNumber(), null));
        alice.answer(alice.expectRequest("BYE"), 200, null, null);
        assertEquals(EndCause.CALLEE_HUNG_UP, awaitRecord().cause());
    }

    @Test
    void hostileOffersAreRefusedWithoutKeepingAPort() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        int free = sip.relay().freePorts();
        List<String> offers = List.of(
                alice.sdp().replaceFirst("m=audio \\d+", "m=audio 70000"),
                alice.sdp().replaceFirst("m=audio \\d+", "m=audio -1"),
                "v=1\r\nthis is not sdp\r\n",
                alice.sdp().replace("inline:", "inline:!!"),
                alice.sdp().replaceFirst("m=audio \\d+", "m=audio 0"));
        for (String offer : offers) {
            alice.send(alice.invite("2002", UUID.randomUUID().toString(), offer));
            SIPResponse refused = alice.expectFinal("INVITE");
            assertEquals(488, refused.getStatusCode(), offer);
            assertNotNull(refused.getHeader("Warning"), "the refusal says why");
        }
        assertEquals(free, sip.relay().freePorts());

        StringBuilder many = new StringBuilder(alice.sdp());
        for (int i = 0; i < 300; i++) {
            many.append("m=video ").append(20000 + 2 * i).append(" RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\n");
        }
        String callId = UUID.randomUUID().toString();
        alice.send(alice.invite("2002", callId, many.toString()));
        SIPRequest invite = bob.expectRequest("INVITE");
        SessionDescription offered = SessionDescription.parse(new String(invite.getRawContent(),
                StandardCharsets.UTF_8));
        assertEquals(301, offered.media().size(), "every m-line keeps its place");
        assertTrue(offered.media().get(0).port() > 0, "the audio is relayed");
        assertTrue(offered.media().stream().skip(1).allMatch(m -> m.port() == 0), "video is refused with port 0");
        bob.answer(invite, 486, "bob", null);
        bob.expectRequest("ACK");
        assertEquals(486, alice.expectFinal("INVITE").getStatusCode());
        awaitRecord();
        assertEquals(free, sip.relay().freePorts());
    }

    @Test
    void anInviteStormFromOnePhoneIsCappedAndLeavesNothingBehind() throws Exception {
        CallPhone alice = phone("2001");
        CallPhone bob = phone("2002");
        int free = sip.relay().freePorts();
        int storm = CallSettings.standard().maxCallsPerPhone() + 24;
        for (int i = 0; i < storm; i++) {
            alice.send(alice.invite("2002", UUID.randomUUID().toString(), alice.sdp()));
        }
        int refused = 0;
        int rung = 0;
        for (int i = 0; i < storm; i++) {
            SIPResponse answer = (SIPResponse) alice.expect(m -> m instanceof SIPResponse r
                    && (r.getStatusCode() == 100 || r.getStatusCode() == 503), "100 or 503");
            if (answer.getStatusCode() == 503) {
                refused++;
                assertNotNull(answer.getHeader("Retry-After"));
            } else {
                rung++;
            }
        }
        assertEquals(CallSettings.standard().maxCallsPerPhone(), rung, "calls up to the cap ring");
        assertEquals(24, refused, "the rest are refused");
        for (int i = 0; i < rung; i++) {
            SIPRequest invite = bob.expectRequest("INVITE");
            bob.answer(invite, 486, "bob-" + i, null);
        }
        for (int i = 0; i < rung; i++) {
            assertEquals(486, alice.expectFinal("INVITE").getStatusCode());
        }
        awaitRecords(rung);
        assertEquals(free, sip.relay().freePorts(), "every allocation went back");
        CallPhone later = phone("2003");
        later.send(later.invite("2001", UUID.randomUUID().toString(), later.sdp()));
        later.expectResponse(100, "INVITE");
        SIPRequest toAlice = alice.expectRequest("INVITE");
        alice.answer(toAlice, 486, "alice", null);
        assertEquals(486, later.expectFinal("INVITE").getStatusCode(), "the hub still routes calls after the storm");
    }

    private static String crypto(SIPRequest request) throws Exception {
        SessionDescription sdp = SessionDescription.parse(new String(request.getRawContent(), StandardCharsets.UTF_8));
        return sdp.media().get(0).attribute("crypto").orElseThrow();
    }

    private void assertMediaBothWays(CallPhone alice, CallPhone bob) throws Exception {
        boolean aliceHeard = false;
        boolean bobHeard = false;
        for (int i = 0; i < 100 && !(aliceHeard && bobHeard); i++) {
            alice.sendMedia();
            bob.sendMedia();
            byte[] atBob = bob.receiveMedia();
            byte[] atAlice = alice.receiveMedia();
            if (atBob != null) {
                bobHeard = true;
                assertArrayEquals(payload(), java.util.Arrays.copyOfRange(atBob, 12, atBob.length));
            }
            aliceHeard |= atAlice != null;
        }
        assertTrue(aliceHeard, "the caller heard the callee");
        assertTrue(bobHeard, "the callee heard the caller");
        drain(alice);
        drain(bob);
    }

    private static void drain(CallPhone phone) throws Exception {
        for (int i = 0; i < 200 && phone.receiveMedia() != null; i++) {
            // empties what is still in flight
        }
    }

    private static byte[] payload() {
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    private CallRecord awaitRecord() throws InterruptedException {
        return awaitRecords(1).get(0);
    }

    private List<CallRecord> awaitRecords(int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<CallRecord> recent = records.recent(100);
            if (recent.size() >= count) {
                return recent;
            }
            Thread.sleep(25);
        }
        List<CallRecord> recent = records.recent(100);
        assertNull(recent.size() < count ? "fewer records" : null, "expected " + count + " call records: " + recent);
        return recent;
    }
}
