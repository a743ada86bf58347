package io.hub.relay.sdp;

import java.util.List;
import java.util.Set;

/**
 * How a relayed medium's SDP changes when the hub bridges a WebRTC leg (DTLS-SRTP with ICE,
 * {@code UDP/TLS/RTP/SAVPF}, RFC 5763 and RFC 8842) and a desk phone's SDES leg ({@code RTP/SAVP},
 * RFC 4568): the hub terminates each, so what one phone says of its keying never reaches the other.
 * Applied after {@link MediaPlan#rewrite}, which already wrote the relay's address, ports and ICE-free
 * lines.
 */
public final class DtlsSdp {

    /** The WebRTC profile the hub answers DTLS-SRTP in. */
    public static final String PROFILE = "UDP/TLS/RTP/SAVPF";
    /** Lines about DTLS, bundling and WebRTC streams that mean nothing on an SDES leg. */
    private static final Set<String> WEBRTC_ONLY = Set.of("fingerprint", "setup", "mid", "msid", "ssrc", "ssrc-group",
            "rtcp-fb", "extmap", "rtcp-rsize", "group", "msid-semantic", "tls-id", "ice-options");

    private DtlsSdp() {
    }

    /** True for a medium whose keys come from DTLS: the UDP/TLS profiles (RFC 5764 §8). */
    public static boolean isDtls(MediaDescription medium) {
        return medium.protocol().equals(PROFILE) || medium.protocol().equals("UDP/TLS/RTP/SAVP");
    }

    /** The medium at {@code index} becomes an SDES one for a desk phone: {@code RTP/SAVP}, no DTLS or WebRTC lines. */
    public static void toSdes(SessionDescription description, int index) {
        description.sessionLines().removeIf(DtlsSdp::webrtcOnly);
        MediaDescription medium = description.media().get(index);
        medium.protocol("RTP/SAVP");
        medium.lines().removeIf(DtlsSdp::webrtcOnly);
    }

    /**
     * The medium at {@code index} becomes the hub's DTLS-SRTP answer to a WebRTC offer: the hub is an
     * ICE-lite agent (RFC 8445 §2.5) whose one candidate is the relay port, with its own fingerprint
     * and role, RTCP on the RTP port, and the offer's {@code a=mid} kept (bundled alone when the offer
     * bundled).
     *
     * @param attributes the hub's lines for the medium without {@code a=}: fingerprint, setup, ICE
     *     credentials and candidate
     * @param iceLite the hub answers ICE (the offer had ICE credentials)
     * @param mid the offer's {@code a=mid} of the medium, or null
     */
    public static void toDtls(SessionDescription description, int index, List<String> attributes, boolean iceLite,
            String mid, boolean bundled) {
        List<String> session = description.sessionLines();
        session.removeIf(DtlsSdp::webrtcOnly);
        if (iceLite) {
            session.add("a=ice-lite");
        }
        if (mid != null && bundled) {
            session.add("a=group:BUNDLE " + mid);
        }
        MediaDescription medium = description.media().get(index);
        medium.protocol(PROFILE);
        medium.lines().removeIf(line -> webrtcOnly(line) || line.startsWith("a=crypto:"));
        if (mid != null) {
            medium.lines().add("a=mid:" + mid);
        }
        attributes.forEach(attribute -> medium.lines().add("a=" + attribute));
        medium.flag("rtcp-mux", true);
    }

    private static boolean webrtcOnly(String line) {
        if (!line.startsWith("a=")) {
            return false;
        }
        int end = line.indexOf(':');
        return WEBRTC_ONLY.contains(end < 0 ? line.substring(2) : line.substring(2, end));
    }
}
