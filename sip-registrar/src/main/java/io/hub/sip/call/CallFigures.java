package io.hub.sip.call;

import io.hub.relay.DropReason;
import io.hub.relay.LegStats;
import io.hub.relay.SessionStats;
import io.hub.relay.StreamStats;
import io.hub.relay.dtls.DtlsSrtpLeg;
import java.util.LinkedHashMap;
import java.util.Map;

/** A call's media figures as admins see them in its {@link CallRecord}: per leg, what the relay counted. */
final class CallFigures {

    private CallFigures() {
    }

    /** The caller's and the callee's leg, or nothing before the relay has a session. */
    static Map<String, Map<String, Object>> of(SessionStats stats) {
        if (stats == null) {
            return Map.of();
        }
        Map<String, Map<String, Object>> legs = new LinkedHashMap<>();
        legs.put("caller", leg(stats.a()));
        legs.put("callee", leg(stats.b()));
        return legs;
    }

    /**
     * Adds a leg's {@code kind} (SDES or DTLS-SRTP) and, for DTLS-SRTP, {@code dtls}: the hub's role, the
     * handshake's state, outcome and time, and the ICE state.
     */
    static void keying(Map<String, Object> figures, DtlsSrtpLeg dtls) {
        if (figures == null) {
            return;
        }
        figures.put("kind", dtls == null ? DtlsSrtpLeg.SDES_KIND : DtlsSrtpLeg.KIND);
        if (dtls != null) {
            Map<String, Object> handshake = dtls.figures();
            handshake.remove("kind");
            figures.put("dtls", handshake);
        }
    }

    private static Map<String, Object> leg(LegStats leg) {
        StreamStats received = leg.received();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("relayPort", leg.rtpPort());
        figures.put("packetsReceived", received.packets());
        figures.put("bytesReceived", received.bytes());
        figures.put("packetsSent", leg.packetsSent());
        figures.put("lost", received.lost());
        figures.put("jitterMs", Math.round(received.jitterMillis() * 100) / 100.0);
        figures.put("dropped", received.droppedTotal());
        figures.put("authFailures", received.dropped(DropReason.AUTH_FAILED));
        figures.put("latched", received.latchedRtp() == null ? null : received.latchedRtp().toString());
        figures.put("qualityBreached", received.breaksQualityBounds());
        return figures;
    }
}
