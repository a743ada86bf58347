package io.hub.relay.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which media of an offer the hub relays, and how it rewrites a description so the media goes
 * through the relay: audio with SRTP (SDES, a suite the relay speaks) is relayed; plain RTP and
 * non-audio media are refused with port 0, while codec lists, fmtp and telephone-event pass
 * untouched. ICE is removed: the relay is the only path, and it latches on what phones send.
 */
public final class MediaPlan {

    /**
     * Where one relayed medium goes: the relay's RTP port, its RTCP port (null for rtcp-mux, on
     * the RTP port), and the {@code a=crypto} values to offer instead of the phone's (null keeps
     * them, for passthrough).
     */
    public record Endpoint(int rtpPort, Integer rtcpPort, List<String> crypto) {
    }

    private MediaPlan() {
    }

    /**
     * The indexes of the media to relay, with the phone's chosen crypto for each.
     *
     * @throws SrtpRequired when no audio medium offers SRTP with a supported SDES suite
     */
    public static Map<Integer, CryptoAttribute> relayed(SessionDescription offer) throws SdpException {
        Map<Integer, CryptoAttribute> relayed = new java.util.LinkedHashMap<>();
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription media = offer.media().get(i);
            if (!media.type().equals("audio") || media.isRejected() || !media.isSecure()) {
                continue;
            }
            Optional<CryptoAttribute> crypto = Optional.empty();
            for (String value : media.attributes("crypto")) {
                CryptoAttribute candidate = CryptoAttribute.parse(value);
                if (candidate.isSupported()) {
                    crypto = Optional.of(candidate);
                    break;
                }
            }
            int index = i;
            crypto.ifPresent(chosen -> relayed.put(index, chosen));
        }
        if (relayed.isEmpty()) {
            boolean plain = offer.media().stream().anyMatch(m -> m.type().equals("audio") && !m.isSecure()
                    && !DtlsSdp.isDtls(m));
            throw new SrtpRequired(plain ? "the offer has RTP/AVP audio only"
                    : "no audio stream offers RTP/SAVP with " + String.join(" or ", CryptoAttribute.SUPPORTED));
        }
        return relayed;
    }

    /**
     * Rewrites {@code description} for the other side: connection and origin addresses become the
     * relay's, relayed media get the relay's ports (and crypto when given), every other medium is
     * refused with port 0, and ICE lines go.
     */
    public static SessionDescription rewrite(SessionDescription description, String relayAddress,
            Map<Integer, Endpoint> endpoints) {
        String family = relayAddress.contains(":") ? "IP6" : "IP4";
        List<String> session = description.sessionLines();
        for (int i = 0; i < session.size(); i++) {
            String line = session.get(i);
            if (line.startsWith("c=")) {
                session.set(i, "c=IN " + family + " " + relayAddress);
            } else if (line.startsWith("o=")) {
                String[] fields = line.split(" ");
                if (fields.length == 6) {
                    fields[4] = family;
                    fields[5] = relayAddress;
                    session.set(i, String.join(" ", fields));
                }
            }
        }
        session.removeIf(MediaPlan::isIce);
        for (int index = 0; index < description.media().size(); index++) {
            MediaDescription media = description.media().get(index);
            Endpoint endpoint = endpoints.get(index);
            List<String> lines = media.lines();
            lines.removeIf(MediaPlan::isIce);
            if (endpoint == null) {
                media.port(0);
                lines.removeIf(line -> line.startsWith("a=crypto:"));
                continue;
            }
            media.port(endpoint.rtpPort());
            List<String> kept = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("c=")) {
                    kept.add("c=IN " + family + " " + relayAddress);
                } else if (line.startsWith("a=rtcp:")) {
                    kept.add("a=rtcp:" + (endpoint.rtcpPort() == null ? endpoint.rtpPort() : endpoint.rtcpPort()));
                } else if (!(endpoint.crypto() != null && line.startsWith("a=crypto:"))) {
                    kept.add(line);
                }
            }
            if (endpoint.crypto() != null) {
                endpoint.crypto().forEach(value -> kept.add("a=crypto:" + value));
            }
            lines.clear();
            lines.addAll(kept);
        }
        return description;
    }

    private static boolean isIce(String line) {
        return line.startsWith("a=candidate:") || line.startsWith("a=ice-") || line.equals("a=end-of-candidates")
                || line.startsWith("a=remote-candidates:") || line.equals("a=ice-lite");
    }
}
