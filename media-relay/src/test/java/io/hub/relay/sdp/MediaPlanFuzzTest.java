package io.hub.relay.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An SDP offer as a phone may send it, through what the B2BUA does with it: parse, choose the
 * media to relay, rewrite for the other side. The rewritten body is SDP the hub can read again,
 * with the relay's address and ports in place of the phone's.
 */
class MediaPlanFuzzTest {

    private static final String RELAY = "192.0.2.10";

    @FuzzTest(maxDuration = "10m")
    void anOfferIsRefusedWithAnSdpExceptionOrRewrittenIntoSdpThatParsesAgain(String body) {
        SessionDescription offer;
        Map<Integer, CryptoAttribute> relayed;
        try {
            offer = SessionDescription.parse(body);
            relayed = MediaPlan.relayed(offer);
        } catch (SdpException refused) {
            return;
        }
        Map<Integer, MediaPlan.Endpoint> endpoints = new HashMap<>();
        int port = 30000;
        for (Integer index : relayed.keySet()) {
            endpoints.put(index, new MediaPlan.Endpoint(port, port + 1,
                    List.of("1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz")));
            port += 2;
        }

        SessionDescription answer = MediaPlan.rewrite(offer, RELAY, endpoints);
        String encoded = answer.encode();

        SessionDescription again;
        try {
            again = SessionDescription.parse(encoded);
        } catch (SdpException e) {
            throw new AssertionError("the rewritten SDP does not parse: " + e.getMessage() + "\n" + encoded, e);
        }
        assertEquals(offer.media().size(), again.media().size(), "every m= line stays, relayed or refused");
        assertTrue(encoded.lines().filter(line -> line.startsWith("c=")).allMatch(line -> line.equals("c=IN IP4 "
                + RELAY)), encoded);
    }
}
