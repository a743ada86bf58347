package io.hub.relay.control;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SdesKeyException;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.CryptoAttribute;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.MediaPlan;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.sdp.SrtpRequired;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one medium of a phone's SDP that the relay carries: the first audio stream with SRTP and a
 * suite the hub speaks (further ones are refused with port 0, as the SDP rules of the hub do), with
 * the crypto line the phone put first and the addresses it gave for RTP and RTCP.
 *
 * @param rtp the {@code c=}/{@code m=} address, or null when it is not an IP literal or is 0.0.0.0 (hold)
 * @param rtcp the {@code a=rtcp} address, or null for RTP's port plus one
 */
record PhoneMedia(SessionDescription sdp, int index, MediaDescription medium, CryptoAttribute crypto,
                  InetSocketAddress rtp, InetSocketAddress rtcp) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    /**
     * @throws NgError for a body that is not SDP, or has no SRTP audio (SRTP is mandatory)
     */
    static PhoneMedia of(String body) throws NgError {
        SessionDescription sdp;
        Map<Integer, CryptoAttribute> relayed;
        try {
            sdp = SessionDescription.parse(body);
            relayed = MediaPlan.relayed(sdp);
        } catch (SrtpRequired e) {
            throw new NgError("SRTP is mandatory: " + e.getMessage());
        } catch (SdpException e) {
            throw new NgError("bad SDP: " + e.getMessage());
        }
        Map.Entry<Integer, CryptoAttribute> first = relayed.entrySet().iterator().next();
        MediaDescription medium = sdp.media().get(first.getKey());
        InetAddress address = literal(medium.connectionAddress(sdp));
        InetSocketAddress rtp = address == null ? null : new InetSocketAddress(address, medium.port());
        return new PhoneMedia(sdp, first.getKey(), medium, first.getValue(), rtp, rtcp(medium, address));
    }

    /** The phone's own key, from its crypto line. */
    SdesKey key() throws NgError {
        try {
            return SdesKey.parse(suite(), crypto.keyParams());
        } catch (SdesKeyException e) {
            throw new NgError("bad a=crypto " + crypto.tag() + ": " + e.getMessage());
        }
    }

    SrtpSuite suite() throws NgError {
        try {
            return SrtpSuite.forName(crypto.suite());
        } catch (SdesKeyException e) {
            throw new NgError(e.getMessage());
        }
    }

    /** {@code a=rtcp:<port> [IN IP4 <address>]} (RFC 3605); a port that does not parse gives no hint. */
    private static InetSocketAddress rtcp(MediaDescription medium, InetAddress rtpAddress) {
        String value = medium.attribute("rtcp").orElse(null);
        if (value == null) {
            return null;
        }
        String[] fields = value.strip().split("\\s+");
        try {
            int port = Integer.parseInt(fields[0]);
            InetAddress address = fields.length >= 4 ? literal(fields[3]) : rtpAddress;
            return port > 0 && port <= 65535 && address != null ? new InetSocketAddress(address, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Dotted quad with every part at most 255: anything else would be looked up as a name. */
    private static boolean isIpv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return false;
        }
        for (String part : text.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal, never a name: resolving names would let an SDP body make the relay query DNS. */
    private static InetAddress literal(String text) {
        if (text == null || !(isIpv4(text) || text.indexOf(':') >= 0)) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            return address.isAnyLocalAddress() ? null : address;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
