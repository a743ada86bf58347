package io.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import org.junit.jupiter.api.Test;

/** The one re-offer rule: a hub key stays while the phone whose packets it carries keeps its key. */
class HubKeysTest {

    private static final SrtpSuite S80 = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    private static final SrtpSuite S32 = SrtpSuite.AES_CM_128_HMAC_SHA1_32;

    @Test
    void theSameKeyAgainIsNoRekeyingAndANewOneIs() throws Exception {
        SdesKey phone = SdesKey.generate(S80);

        assertFalse(HubKeys.rekeyed(phone, SdesKey.parse(S80, phone.inline())), "the same key, parsed anew");
        assertTrue(HubKeys.rekeyed(phone, SdesKey.generate(S80)));
        assertFalse(HubKeys.rekeyed(null, phone), "a first key restarts nothing");
    }

    @Test
    void aHubKeyStaysUnlessItsSenderRekeyedOrTheSuiteChanged() {
        SdesKey hub = SdesKey.generate(S80);

        assertSame(hub, HubKeys.forLeg(hub, S80, false));
        assertNotEquals(hub, HubKeys.forLeg(hub, S80, true), "the sender's new context gets a fresh key");
        SdesKey other = HubKeys.forLeg(hub, S32, false);
        assertEquals(S32, other.suite(), "a key in the suite asked for");
        SdesKey first = HubKeys.forLeg(null, S80, false);
        assertNotNull(first);
        assertEquals(S80, first.suite());
    }
}
