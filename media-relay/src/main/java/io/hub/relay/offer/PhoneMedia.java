package io.hub.relay.offer;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SdesKeyException;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.CryptoAttribute;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.MediaPlan;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The one medium of a phone's SDP (an offer or an answer) that the relay carries: the first audio
 * stream with SRTP and a suite the hub speaks (further ones are refused with port 0, as the SDP
 * rules of the hub do), the crypto line the hub takes from it, and the addresses the phone gave for
 * RTP and RTCP. The crypto line is the first of a supported suite whose key the hub can read (a
 * line with an MKI or a broken key gives way to a later one), else the first of a supported suite.
 *
 * @param body the SDP as the phone sent it; every rewrite starts again from it
 * @param rtp the {@code c=}/{@code m=} address, or null when it is not an IP literal or is 0.0.0.0 (hold)
 * @param rtcp the {@code a=rtcp} address, or null for RTP's port plus one
 */
public record PhoneMedia(String body, SessionDescription sdp, int index, MediaDescription medium, CryptoAttribute crypto,
                         InetSocketAddress rtp, InetSocketAddress rtcp) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    /**
     * @throws io.hub.relay.sdp.SrtpRequired when it has no SRTP audio with a suite the hub speaks (SRTP is mandatory)
     * @throws SdpException when the body is missing or is not SDP
     */
    public static PhoneMedia of(String body) throws SdpException {
        if (body == null) {
            throw new SdpException("there is no SDP body");
        }
        SessionDescription sdp = SessionDescription.parse(body);
        int index = MediaPlan.relayed(sdp).keySet().iterator().next();
        MediaDescription medium = sdp.media().get(index);
        InetAddress address = literal(medium.connectionAddress(sdp));
        InetSocketAddress rtp = address == null ? null : new InetSocketAddress(address, medium.port());
        return new PhoneMedia(body, sdp, index, medium, crypto(medium), rtp, rtcp(medium, address));
    }

    /** The phone's own key, from its crypto line. */
    public SdesKey key() throws SdpException {
        try {
            return SdesKey.parse(suite(), crypto.keyParams());
        } catch (SdesKeyException e) {
            throw new SdpException("bad a=crypto " + crypto.tag() + ": " + e.getMessage());
        }
    }

    public SrtpSuite suite() throws SdpException {
        try {
            return SrtpSuite.forName(crypto.suite());
        } catch (SdesKeyException e) {
            throw new SdpException(e.getMessage());
        }
    }

    /** The phone multiplexes RTCP on its RTP port (RFC 5761). */
    public boolean muxes() {
        return medium.attribute("rtcp-mux").isPresent();
    }

    /** The phone holds the call: it does not both send and receive, or gives no address to send to. */
    public boolean holding() {
        return !medium.direction(sdp).equals("sendrecv") || medium.connectionAddress(sdp) == null;
    }

    /** A fresh copy of the phone's description, to rewrite for the other side. */
    SessionDescription copy() throws SdpException {
        return SessionDescription.parse(body);
    }

    private static CryptoAttribute crypto(MediaDescription medium) throws SdpException {
        CryptoAttribute first = null;
        for (String value : medium.attributes("crypto")) {
            CryptoAttribute crypto = CryptoAttribute.parse(value);
            if (!crypto.isSupported()) {
                continue;
            }
            if (first == null) {
                first = crypto;
            }
            try {
                SdesKey.parse(SrtpSuite.forName(crypto.suite()), crypto.keyParams());
                return crypto;
            } catch (SdesKeyException e) {
                // An MKI or a malformed key: a later line may do.
            }
        }
        return first;
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
