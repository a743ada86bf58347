package io.hub.relay.offer;

import io.hub.relay.dtls.Fingerprint;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SdesKeyException;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.CryptoAttribute;
import io.hub.relay.sdp.DtlsSdp;
import io.hub.relay.sdp.MediaDescription;
import io.hub.relay.sdp.MediaPlan;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.sdp.SrtpRequired;
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
 * @param dtls for a DTLS-SRTP medium ({@code UDP/TLS/RTP/SAVPF} with a fingerprint), its keying, and
 *     {@code crypto} is null; null for SDES
 */
public record PhoneMedia(String body, SessionDescription sdp, int index, MediaDescription medium, CryptoAttribute crypto,
                         InetSocketAddress rtp, InetSocketAddress rtcp, Dtls dtls) {

    /**
     * What a WebRTC medium says of its DTLS-SRTP keying (RFC 5763, RFC 8842): {@code a=fingerprint},
     * {@code a=setup}, its ICE credentials and {@code a=mid}; each from the medium, else the session.
     *
     * @param setup {@code active} when the SDP says none (RFC 4145 §4)
     * @param iceUfrag null with {@code icePwd} when the SDP has no ICE
     * @param bundled the session groups media with {@code a=group:BUNDLE}
     */
    public record Dtls(Fingerprint fingerprint, String setup, String iceUfrag, String icePwd, String mid,
                       boolean bundled) {
    }

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    /**
     * @throws io.hub.relay.sdp.SrtpRequired when it has no SRTP audio with a suite the hub speaks (SRTP is mandatory)
     * @throws SdpException when the body is missing or is not SDP
     */
    public static PhoneMedia of(String body) throws SdpException {
        return of(body, false);
    }

    /**
     * {@link #of} for a side that also terminates DTLS-SRTP ({@link OfferAnswer} with
     * {@link io.hub.relay.dtls.DtlsSrtpLegs}): a medium with no SDES but DTLS-SRTP keying is taken.
     *
     * @throws io.hub.relay.sdp.SrtpRequired when it has neither
     * @throws SdpException when the body is missing, is not SDP, or has a fingerprint the hub does not take
     */
    public static PhoneMedia ofSdesOrDtls(String body) throws SdpException {
        return of(body, true);
    }

    private static PhoneMedia of(String body, boolean dtlsServed) throws SdpException {
        if (body == null) {
            throw new SdpException("there is no SDP body");
        }
        SessionDescription sdp = SessionDescription.parse(body);
        int index;
        Dtls dtls = null;
        try {
            index = MediaPlan.relayed(sdp).keySet().iterator().next();
        } catch (SrtpRequired noSdes) {
            index = dtlsServed ? dtlsIndex(sdp) : -1;
            if (index < 0) {
                throw noSdes;
            }
            dtls = dtls(sdp, sdp.media().get(index));
        }
        MediaDescription medium = sdp.media().get(index);
        InetAddress address = literal(medium.connectionAddress(sdp));
        InetSocketAddress rtp = address == null ? null : new InetSocketAddress(address, medium.port());
        return new PhoneMedia(body, sdp, index, medium, dtls == null ? crypto(medium) : null, rtp,
                rtcp(medium, address), dtls);
    }

    /** The first audio medium with DTLS-SRTP keying, or -1. */
    private static int dtlsIndex(SessionDescription sdp) {
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription medium = sdp.media().get(i);
            if (medium.type().equals("audio") && !medium.isRejected() && DtlsSdp.isDtls(medium)
                    && value(sdp, medium, "fingerprint") != null) {
                return i;
            }
        }
        return -1;
    }

    private static Dtls dtls(SessionDescription sdp, MediaDescription medium) throws SdpException {
        Fingerprint fingerprint;
        try {
            fingerprint = Fingerprint.parse(value(sdp, medium, "fingerprint"));
        } catch (IllegalArgumentException e) {
            throw new SdpException(e.getMessage());
        }
        String setup = value(sdp, medium, "setup");
        String ufrag = value(sdp, medium, "ice-ufrag");
        String pwd = value(sdp, medium, "ice-pwd");
        boolean ice = ufrag != null && pwd != null && !ufrag.isBlank() && !pwd.isBlank();
        return new Dtls(fingerprint, setup == null ? "active" : setup.strip(), ice ? ufrag.strip() : null,
                ice ? pwd.strip() : null, medium.attribute("mid").map(String::strip).orElse(null),
                sdp.sessionLine("a=group:BUNDLE").isPresent());
    }

    /** An attribute's value in the medium, else at session level, else null. */
    private static String value(SessionDescription sdp, MediaDescription medium, String name) {
        return medium.attribute(name).orElseGet(() -> sdp.sessionLine("a=" + name + ":")
                .map(line -> line.substring(name.length() + 3)).orElse(null));
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
