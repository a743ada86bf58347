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

    /** The SDP of a reply that must be {@code ok}. */
    static SessionDescription sdp(Map<?, ?> reply) throws Exception {
        assertEquals("ok", reply.get("result"), String.valueOf(reply.get("error-reason")));
        return SessionDescription.parse((String) reply.get("sdp"));
    }
}
