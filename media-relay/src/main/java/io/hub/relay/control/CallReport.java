package io.hub.relay.control;

import io.hub.relay.DropReason;
import io.hub.relay.LegStats;
import io.hub.relay.RelayMode;
import io.hub.relay.SessionStats;
import io.hub.relay.Side;
import io.hub.relay.StreamStats;
import io.hub.relay.dtls.DtlsSrtpLeg;
import io.hub.relay.offer.PhoneMedia;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reply to {@code query} and {@code delete}, shaped as rtpengine's: {@code created},
 * {@code last signal}, {@code totals} and per SIP tag its medium and stream with {@code local port},
 * {@code endpoint} (where the relay latched), {@code advertised endpoint} (the SDP's),
 * {@code crypto suite} and {@code stats}. The relay counts RTCP with RTP, so {@code totals} has
 * {@code RTP} only, and a stream covers both ports of its leg. Beside rtpengine's keys each stream
 * carries the hub's own: {@code lost}, {@code jitter} (ms), {@code sent}, {@code dropped} by
 * reason, {@code kind} (SDES or DTLS-SRTP) and on a DTLS-SRTP leg {@code dtls}: its role, handshake
 * state, outcome and time, and ICE state ({@link DtlsSrtpLeg#figures}).
 */
final class CallReport {

    private CallReport() {
    }

    static Map<String, Object> of(NgCall call, SessionStats stats) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        reply.put("created", call.createdSeconds);
        reply.put("last signal", call.lastSignalSeconds);
        Map<String, Object> tags = new LinkedHashMap<>();
        long packets = 0;
        long bytes = 0;
        long errors = 0;
        for (Side side : Side.values()) {
            NgCall.Party party = call.party(side);
            LegStats leg = stats.leg(side);
            StreamStats received = leg.received();
            packets += received.packets();
            bytes += received.bytes();
            errors += received.droppedTotal();
            if (party.tag != null) {
                NgCall.Party other = call.party(side.other());
                Map<String, Object> tag = new LinkedHashMap<>();
                tag.put("tag", party.tag);
                tag.put("created", party.createdSeconds);
                if (other.tag != null) {
                    tag.put("in dialogue with", other.tag);
                }
                tag.put("medias", List.of(medium(call, party, leg)));
                tags.put(party.tag, tag);
            }
        }
        reply.put("tags", tags);
        reply.put("totals", Map.of("RTP", Map.of("packets", packets, "bytes", bytes, "errors", errors)));
        return reply;
    }

    private static Map<String, Object> medium(NgCall call, NgCall.Party party, LegStats leg) {
        Map<String, Object> medium = new LinkedHashMap<>();
        medium.put("index", call.exchange.mediaIndex() + 1);
        medium.put("type", "audio");
        PhoneMedia media = call.exchange.media(party.side);
        if (media != null) {
            medium.put("protocol", media.medium().protocol());
        }
        DtlsSrtpLeg dtls = call.exchange.dtlsLeg(party.side);
        medium.put("flags", call.mode == RelayMode.PASSTHROUGH ? List.of("initialized", "SDES", "passthrough")
                : List.of("initialized", dtls == null ? "SDES" : "DTLS-SRTP"));
        medium.put("streams", List.of(stream(call, party, leg)));
        return medium;
    }

    private static Map<String, Object> stream(NgCall call, NgCall.Party party, LegStats leg) {
        StreamStats received = leg.received();
        PhoneMedia media = call.exchange.media(party.side);
        Map<String, Object> stream = new LinkedHashMap<>();
        stream.put("local port", leg.rtpPort());
        stream.put("local rtcp port", leg.rtcpPort());
        if (received.latchedRtp() != null) {
            stream.put("endpoint", endpoint(received.latchedRtp()));
        }
        if (media != null && media.rtp() != null) {
            stream.put("advertised endpoint", endpoint(media.rtp()));
        }
        DtlsSrtpLeg dtls = call.exchange.dtlsLeg(party.side);
        if (media != null && media.crypto() != null) {
            stream.put("crypto suite", media.crypto().suite());
        }
        // The hub's own: SDES or DTLS-SRTP, and on a DTLS-SRTP leg its handshake and ICE state.
        stream.put("kind", dtls == null ? DtlsSrtpLeg.SDES_KIND : DtlsSrtpLeg.KIND);
        if (dtls != null) {
            Map<String, Object> figures = dtls.figures();
            figures.remove("kind");
            stream.put("dtls", figures);
        }
        if (received.lastPacket() != null) {
            stream.put("last packet", received.lastPacket().getEpochSecond());
        }
        stream.put("stats", Map.of("packets", received.packets(), "bytes", received.bytes(),
                "errors", received.droppedTotal()));
        stream.put("lost", received.lost());
        stream.put("jitter", Math.round(received.jitterMillis()));
        stream.put("sent", Map.of("packets", leg.packetsSent(), "bytes", leg.bytesSent()));
        Map<String, Object> dropped = new LinkedHashMap<>();
        for (Map.Entry<DropReason, Long> entry : received.dropped().entrySet()) {
            dropped.put(entry.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-'), entry.getValue());
        }
        stream.put("dropped", dropped);
        return stream;
    }

    private static Map<String, Object> endpoint(InetSocketAddress address) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("family", address.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4");
        endpoint.put("address", address.getAddress().getHostAddress());
        endpoint.put("port", address.getPort());
        return endpoint;
    }
}
