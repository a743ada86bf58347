package io.hub.relay.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hub's ICE-lite answers: only a check meant for this leg, keyed with the hub's ice-pwd, once per address. */
class IceLiteResponderTest {

    private static final IceCredentials CREDENTIALS = new IceCredentials("hubUfrag", "hubPasswordOf24Characters",
            "peerUfrag", "peerPasswordOf24Charact");
    private final InetSocketAddress browser = address(50000);
    private final IceLiteResponder responder = new IceLiteResponder(CREDENTIALS);

    @Test
    void aCheckWithTheRightUsernameAndPasswordIsAnsweredWithTheSourceSignedAndFingerprinted() throws Exception {
        byte[] request = check("hubUfrag:peerUfrag", CREDENTIALS.integrityKey(), id(1), true);

        IceLiteResponder.Outcome outcome = responder.receive(request, 0, request.length, browser, 1000);

        assertTrue(outcome.answered());
        StunMessage response = StunMessage.parse(outcome.response(), 0, outcome.response().length);
        assertEquals(StunMessage.BINDING_SUCCESS, response.type());
        assertTrue(response.integrityMatches(CREDENTIALS.integrityKey()));
        assertTrue(response.fingerprintMatches());
        assertEquals(browser, response.xorMappedAddress());
        assertEquals(browser, responder.consented());
        assertTrue(responder.nominated());
        assertEquals(1000, responder.lastConsentMillis());
    }

    @Test
    void aCheckForAnotherLegOrCallIsDroppedUnanswered() {
        byte[] request = check("otherUfrag:peerUfrag", CREDENTIALS.integrityKey(), id(2), false);

        assertEquals(StunRefusal.FOREIGN_USERNAME, responder.receive(request, 0, request.length, browser, 0).refusal());
        assertNull(responder.consented());
    }

    @Test
    void aCheckKeyedWithAnotherPasswordIsDropped() {
        byte[] request = check("hubUfrag:peerUfrag", "guessed".getBytes(StandardCharsets.UTF_8), id(3), false);

        assertEquals(StunRefusal.BAD_INTEGRITY, responder.receive(request, 0, request.length, browser, 0).refusal());
        byte[] unsigned = check("hubUfrag:peerUfrag", null, id(4), false);
        assertEquals(StunRefusal.BAD_INTEGRITY, responder.receive(unsigned, 0, unsigned.length, browser, 0).refusal());
        assertNull(responder.consented());
    }

    @Test
    void aBadFingerprintAndAMessageThatIsNotStunAreDropped() {
        byte[] request = check("hubUfrag:peerUfrag", CREDENTIALS.integrityKey(), id(5), false);
        request[request.length - 1] ^= 1;
        assertEquals(StunRefusal.BAD_FINGERPRINT, responder.receive(request, 0, request.length, browser, 0).refusal());
        byte[] garbage = {0, 1, 0, 0, 1, 2, 3};
        assertEquals(StunRefusal.MALFORMED, responder.receive(garbage, 0, garbage.length, browser, 0).refusal());
    }

    @Test
    void aResponseOrIndicationIsNotWhatAnIceLiteAgentExpects() {
        byte[] indication = new StunMessageBuilder(StunMessage.BINDING_INDICATION, id(6)).build(null, true);
        assertEquals(StunRefusal.UNEXPECTED_TYPE, responder.receive(indication, 0, indication.length, browser, 0).refusal());
    }

    @Test
    void aCapturedCheckReplayedFromAnotherAddressIsDroppedAndMovesNothing() {
        byte[] request = check("hubUfrag:peerUfrag", CREDENTIALS.integrityKey(), id(7), false);
        assertTrue(responder.receive(request, 0, request.length, browser, 0).answered());

        IceLiteResponder.Outcome replay = responder.receive(request, 0, request.length, address(40000), 5);

        assertEquals(StunRefusal.REPLAYED, replay.refusal());
        assertEquals(browser, responder.consented());
        assertEquals(0, responder.lastConsentMillis());
    }

    @Test
    void aRetransmissionFromTheSameAddressIsAnsweredAgainWithoutRenewingConsent() {
        byte[] request = check("hubUfrag:peerUfrag", CREDENTIALS.integrityKey(), id(8), false);
        assertTrue(responder.receive(request, 0, request.length, browser, 0).answered());

        assertTrue(responder.receive(request, 0, request.length, browser, 500).answered());
        assertEquals(0, responder.lastConsentMillis());
        assertFalse(responder.nominated());
    }

    /** A browser's connectivity check to the hub. */
    static byte[] check(String username, byte[] key, byte[] id, boolean useCandidate) {
        StunMessageBuilder builder = new StunMessageBuilder(StunMessage.BINDING_REQUEST, id).username(username)
                .attribute(StunMessage.PRIORITY, new byte[] {0x6e, 0, 0x01, (byte) 0xff})
                .attribute(StunMessage.ICE_CONTROLLING, new byte[8]);
        if (useCandidate) {
            builder.attribute(StunMessage.USE_CANDIDATE, new byte[0]);
        }
        return builder.build(key, true);
    }

    static byte[] id(int n) {
        byte[] id = new byte[12];
        id[11] = (byte) n;
        id[0] = 0x42;
        return id;
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
