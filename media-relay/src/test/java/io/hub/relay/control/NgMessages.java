package io.hub.relay.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.relay.sdp.SessionDescription;
import java.util.HashMap;
import java.util.Map;

/** The ng messages the relay's control tests send, as a proxy writes them, and the SDP of a reply. */
final class NgMessages {

    private NgMessages() {
    }

    /** An {@code offer} with the caller's SDP; callers add the flags their case needs. */
    static Map<String, Object> offer(String callId, String fromTag, String sdp) {
        Map<String, Object> offer = new HashMap<>();
        offer.put("command", "offer");
        offer.put("call-id", callId);
        offer.put("from-tag", fromTag);
        offer.put("sdp", sdp);
        return offer;
    }

    /** The {@code answer} to {@code offer}, with the callee's tag and the SDP the offer map carries. */
    static Map<String, Object> answer(Map<String, Object> offer, String toTag) {
        Map<String, Object> answer = new HashMap<>(offer);
        answer.put("command", "answer");
        answer.put("to-tag", toTag);
        return answer;
    }

    /** A desk phone's SDES SDP: G.711, no rtcp-mux, and {@code direction} unless null. */
    static String deskSdp(io.hub.relay.FakePhone phone, String direction) {
        int port = phone.address().getPort();
        return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + phone.ownKey.inline() + "\r\n"
                + (direction == null ? "" : "a=" + direction + "\r\n");
    }

    /** One tag's first stream in a {@code query} reply. */
    static Map<?, ?> stream(Map<?, ?> query, String tag) {
        Map<?, ?> party = (Map<?, ?>) ((Map<?, ?>) query.get("tags")).get(tag);
        Map<?, ?> medium = (Map<?, ?>) ((java.util.List<?>) party.get("medias")).get(0);
        return (Map<?, ?>) ((java.util.List<?>) medium.get("streams")).get(0);
    }

    /**
     * Queries {@code callId} until {@code condition} holds, a bounded number of short turns: the relay's
     * threads (a handshake's, the I/O one) get there a moment after the test's own step.
     */
    static Map<?, ?> awaitQuery(NgClient ng, String callId, java.util.function.Predicate<Map<?, ?>> condition)
            throws Exception {
        Map<?, ?> query = null;
        for (int i = 0; i < 250; i++) {
            query = ng.request(Map.of("command", "query", "call-id", callId));
            if (condition.test(query)) {
                return query;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
        throw new AssertionError("the relay never got there: " + query);
    }

    /** The SDP of a reply that must be {@code ok}. */
    static SessionDescription sdp(Map<?, ?> reply) throws Exception {
        assertEquals("ok", reply.get("result"), String.valueOf(reply.get("error-reason")));
        return SessionDescription.parse((String) reply.get("sdp"));
    }
}
