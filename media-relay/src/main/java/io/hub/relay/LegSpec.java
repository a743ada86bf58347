package io.hub.relay;

import io.hub.relay.srtp.SdesKey;
import java.net.InetSocketAddress;

/**
 * What the call side knows about one phone's media, from its SDP.
 *
 * @param rtcpMux the phone multiplexes RTCP on its RTP port (RFC 5761): the leg gets one port, not a pair
 * @param expectedRtp the {@code c=}/{@code m=} address, or null if unknown; a hint for latching, never a destination
 * @param expectedRtcp the {@code a=rtcp} address, or null for the RTP port plus one
 * @param inboundKey termination only: the phone's own key, to decrypt what it sends; null until its SDP is known
 * @param outboundKey termination only: the hub's key for this phone, to encrypt what the hub sends it
 */
public record LegSpec(boolean rtcpMux, InetSocketAddress expectedRtp, InetSocketAddress expectedRtcp,
                      SdesKey inboundKey, SdesKey outboundKey) {

    public static LegSpec passthrough(boolean rtcpMux, InetSocketAddress expectedRtp) {
        return new LegSpec(rtcpMux, expectedRtp, null, null, null);
    }

    public static LegSpec termination(boolean rtcpMux, InetSocketAddress expectedRtp, SdesKey inboundKey,
                                      SdesKey outboundKey) {
        return new LegSpec(rtcpMux, expectedRtp, null, inboundKey, outboundKey);
    }

    /** Where RTCP is expected: the explicit address, else RTP's port plus one, else the RTP address with mux. */
    InetSocketAddress rtcpHint() {
        if (rtcpMux || expectedRtcp != null || expectedRtp == null) {
            return rtcpMux ? expectedRtp : expectedRtcp;
        }
        return new InetSocketAddress(expectedRtp.getAddress(), Math.min(expectedRtp.getPort() + 1, 65535));
    }
}
