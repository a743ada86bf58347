package io.hub.relay.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A lone CR inside an SDP line (found by MediaPlanFuzzTest): a lenient far end reads it as a line
 * end, so the line after it would pass the relay's rewrite untouched and take the media around the
 * relay. Such a body is refused; a clean one is rewritten as before.
 */
class SdpSmuggledLineTest {

    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/SAVP 0\r\n"
            + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";

    @Test
    void aLoneCarriageReturnInsideALineIsRefused() {
        String smuggled = OFFER + "a=sendrecv\rc=IN IP4 203.0.113.66\r\n";

        SdpException refused = assertThrows(SdpException.class, () -> SessionDescription.parse(smuggled));

        assertEquals("an SDP line holds a CR or NUL inside it: 'a=sendrecv\\rc=IN IP4 203.0.113.66'",
                refused.getMessage());
    }

    @Test
    void aNulInsideALineIsRefused() {
        assertThrows(SdpException.class, () -> SessionDescription.parse(OFFER + "a=x\0y\r\n"));
    }

    @Test
    void aCleanOfferIsStillRewrittenWithTheRelaysAddressOnly() throws Exception {
        SessionDescription offer = SessionDescription.parse(OFFER);

        String answer = MediaPlan.rewrite(offer, "192.0.2.10", Map.of(0, new MediaPlan.Endpoint(30000, 30001,
                List.of()))).encode();

        assertEquals(List.of("c=IN IP4 192.0.2.10"), answer.lines().filter(l -> l.startsWith("c=")).toList());
    }
}
