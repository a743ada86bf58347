package io.hub.sip.call;

import io.hub.sip.relay.LegSpec;
import io.hub.sip.relay.MediaRelay;
import io.hub.sip.relay.RelayException;
import io.hub.sip.relay.RelayMode;
import io.hub.sip.relay.RelaySession;
import io.hub.sip.relay.SessionStats;
import io.hub.sip.relay.Side;
import io.hub.sip.relay.srtp.SdesKey;
import io.hub.sip.relay.srtp.SdesKeyException;
import io.hub.sip.relay.srtp.SrtpSuite;
import io.hub.sip.sdp.CryptoAttribute;
import io.hub.sip.sdp.MediaDescription;
import io.hub.sip.sdp.MediaPlan;
import io.hub.sip.sdp.SdpException;
import io.hub.sip.sdp.SessionDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The media of one call: turns each side's SDP into relay legs and writes the SDP the other side
 * gets, so the media goes through the relay. One audio stream is relayed (the first with SDES
 * SRTP); other streams are refused with port 0.
 *
 * <p>In termination mode every phone gets its own fresh key from the hub, and the relay decrypts
 * with the phone's key and encrypts with the other phone's hub key: no phone ever learns another's
 * key. In passthrough the offerer's {@code a=crypto} travels end to end untouched. Guarded by the
 * call's lock.
 */
final class CallMedia {

    /** What the hub knows of one phone's media. */
    private static final class Leg {
        CryptoAttribute chosen;
        SdesKey inbound;
        SdesKey outbound;
        Boolean mux;
        InetSocketAddress expected;
        boolean holding;
    }

    private static final int HUB_CRYPTO_TAG = 1;

    private final String callId;
    private final MediaRelay relay;
    private final CallSettings settings;
    private final Map<Side, Leg> legs = new EnumMap<>(Side.class);
    private RelaySession session;
    private int relayedIndex = -1;
    private Side offerer;

    CallMedia(String callId, MediaRelay relay, CallSettings settings) {
        this.callId = callId;
        this.relay = relay;
        this.settings = settings;
        legs.put(Side.A, new Leg());
        legs.put(Side.B, new Leg());
    }

    /**
     * An offer from {@code from}: allocates the relay on the first one, updates the leg on later
     * ones, and returns the offer the other side gets.
     *
     * @param otherAddress the relay address the other phone is to send to
     * @throws io.hub.sip.sdp.SrtpRequired when the offer has no SDES SRTP audio (488)
     * @throws io.hub.sip.relay.PortsExhaustedException when the relay has no ports left (503)
     */
    String offer(Side from, String sdp, String otherAddress) throws SdpException, RelayException {
        SessionDescription description = SessionDescription.parse(sdp);
        Map<Integer, CryptoAttribute> relayed = MediaPlan.relayed(description);
        int index = relayed.keySet().iterator().next();
        if (relayedIndex >= 0 && index != relayedIndex) {
            throw new SdpException("a new offer moves the audio stream from m-line " + relayedIndex + " to " + index);
        }
        MediaDescription media = description.media().get(index);
        Leg leg = legs.get(from);
        Leg other = legs.get(from.other());
        leg.chosen = relayed.get(index);
        leg.holding = !media.direction().equals("sendrecv") || media.connectionAddress(description) == null;
        leg.expected = address(media, description);
        if (settings.mode() == RelayMode.TERMINATION) {
            SrtpSuite suite = suite(leg.chosen);
            leg.inbound = key(suite, leg.chosen);
            leg.outbound = fresh(leg.outbound, suite);
            other.outbound = fresh(other.outbound, suite);
        }
        if (session == null) {
            leg.mux = media.attribute("rtcp-mux").isPresent();
            // The other leg muxes exactly when the offer lets it; a phone that does not still finds
            // its RTCP told apart by packet type on the single port.
            other.mux = leg.mux;
            relayedIndex = index;
            Side a = from;
            session = relay.allocate(callId, settings.mode(), spec(legs.get(Side.A)), spec(legs.get(Side.B)));
            if (a == Side.B) {
                relay.update(session, Side.B, spec(leg));
            }
        } else {
            relay.update(session, from, spec(leg));
        }
        offerer = from;
        applyHold();
        return rewrite(description, from.other(), otherAddress, settings.mode() == RelayMode.TERMINATION
                ? List.of(other.outbound.cryptoAttribute(HUB_CRYPTO_TAG)) : null);
    }

    /**
     * The answer from {@code from} to the last offer: updates its leg and returns the answer the
     * offerer gets.
     */
    String answer(Side from, String sdp, String offererAddress) throws SdpException {
        if (offerer != from.other() || session == null) {
            throw new SdpException("an answer from " + from + " with no offer from the other side open");
        }
        SessionDescription description = SessionDescription.parse(sdp);
        if (relayedIndex >= description.media().size()) {
            throw new SdpException("the answer has fewer m-lines than the offer");
        }
        MediaDescription media = description.media().get(relayedIndex);
        Leg leg = legs.get(from);
        Leg offering = legs.get(from.other());
        leg.holding = !media.direction().equals("sendrecv") || media.connectionAddress(description) == null;
        if (!media.isRejected()) {
            leg.expected = address(media, description);
            if (settings.mode() == RelayMode.TERMINATION) {
                leg.chosen = answered(media);
                leg.inbound = key(suite(leg.chosen), leg.chosen);
            }
            relay.update(session, from, spec(leg));
        }
        offerer = null;
        applyHold();
        String answer = rewrite(description, from.other(), offererAddress,
                settings.mode() == RelayMode.TERMINATION && !media.isRejected()
                        ? List.of(offering.outbound.cryptoAttribute(offering.chosen.tag())) : null);
        if (media.isRejected()) {
            return answer;
        }
        SessionDescription rewritten = SessionDescription.parse(answer);
        rewritten.media().get(relayedIndex).flag("rtcp-mux", Boolean.TRUE.equals(offering.mux));
        return rewritten.encode();
    }

    /** The offer in flight was refused: forget it, the media stays as it was. */
    void offerFailed() {
        offerer = null;
    }

    SessionStats stats() {
        return session == null ? null : relay.stats(session);
    }

    RelaySession session() {
        return session;
    }

    void release() {
        if (session != null) {
            relay.release(session);
        }
    }

    private void applyHold() {
        boolean hold = legs.get(Side.A).holding || legs.get(Side.B).holding;
        Duration timeout = hold ? settings.holdTimeout() : settings.mediaTimeout();
        if (session != null) {
            relay.timeout(session, timeout);
        }
    }

    private String rewrite(SessionDescription description, Side to, String address, List<String> crypto) {
        Leg leg = legs.get(to);
        Map<Integer, MediaPlan.Endpoint> endpoints = Map.of(relayedIndex, new MediaPlan.Endpoint(
                session.rtpPort(to), Boolean.TRUE.equals(leg.mux) ? null : session.rtcpPort(to), crypto));
        return MediaPlan.rewrite(description, address, endpoints).encode();
    }

    private LegSpec spec(Leg leg) {
        boolean mux = Boolean.TRUE.equals(leg.mux);
        return settings.mode() == RelayMode.TERMINATION
                ? LegSpec.termination(mux, leg.expected, leg.inbound, leg.outbound)
                : LegSpec.passthrough(mux, leg.expected);
    }

    /** The crypto line the answerer chose: one of the hub's offered tag, with a suite the relay speaks. */
    private static CryptoAttribute answered(MediaDescription media) throws SdpException {
        for (String value : media.attributes("crypto")) {
            CryptoAttribute crypto = CryptoAttribute.parse(value);
            if (crypto.isSupported()) {
                return crypto;
            }
        }
        throw new SdpException("the answer accepts the audio stream without a supported a=crypto");
    }

    private static SrtpSuite suite(CryptoAttribute crypto) throws SdpException {
        try {
            return SrtpSuite.forName(crypto.suite());
        } catch (SdesKeyException e) {
            throw new SdpException(e.getMessage());
        }
    }

    private static SdesKey key(SrtpSuite suite, CryptoAttribute crypto) throws SdpException {
        try {
            return SdesKey.parse(suite, crypto.keyParams());
        } catch (SdesKeyException e) {
            throw new SdpException("a=crypto:" + crypto.tag() + " has an unusable key: " + e.getMessage());
        }
    }

    /** The key the hub sends with: kept across re-offers of the same suite, so streams go on. */
    private static SdesKey fresh(SdesKey current, SrtpSuite suite) {
        return current != null && current.suite() == suite ? current : SdesKey.generate(suite);
    }

    /** The address a phone says it sends from; a hint for latching, null when it says none. */
    private static InetSocketAddress address(MediaDescription media, SessionDescription description) {
        String host = media.connectionAddress(description);
        if (host == null || media.isRejected() || !host.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), media.port());
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
