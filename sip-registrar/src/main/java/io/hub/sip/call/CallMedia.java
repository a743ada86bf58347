package io.hub.sip.call;

import io.hub.relay.HubKeys;
import io.hub.relay.LegSpec;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayException;
import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.SessionStats;
import io.hub.relay.Side;
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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The media of one call: turns each side's SDP into relay legs and writes the SDP the other side
 * gets, so the media goes through the relay. One audio stream is relayed (the first with SDES
 * SRTP); other streams keep their place with port 0.
 *
 * <p>In termination mode the hub gives every phone a key of its own (every ringing phone too), and
 * the relay decrypts with the sender's key and encrypts with the receiver's hub key: no phone ever
 * learns another's key. A re-offer or its answer keeps a hub key unless the phone whose packets it
 * carries took a new key ({@link HubKeys}, the rule ng follows too), so no key meets a restarted
 * sequence and hold or resume does not disturb the media. A re-offer is staged and reaches the relay only with its answer, so a refused one
 * (491, 488, a timeout) leaves the media as it was. The caller's leg muxes RTCP when its offer does;
 * the callee's leg is always a port pair, so a phone without rtcp-mux is never pushed into it.
 * Guarded by the call's lock.
 */
final class CallMedia {

    /** What the hub knows of one phone's media. */
    private static final class Leg {
        CryptoAttribute chosen;
        SdesKey inbound;
        SdesKey outbound;
        boolean mux;
        InetSocketAddress expected;
        boolean holding;

        Leg copy() {
            Leg copy = new Leg();
            copy.chosen = chosen;
            copy.inbound = inbound;
            copy.outbound = outbound;
            copy.mux = mux;
            copy.expected = expected;
            copy.holding = holding;
            return copy;
        }
    }

    private static final int HUB_CRYPTO_TAG = 1;

    private final String callId;
    private final MediaRelay relay;
    private final CallSettings settings;
    private Map<Side, Leg> legs = new EnumMap<>(Side.class);
    private Map<Side, Leg> staged;
    private final Map<Side, String> lastSent = new EnumMap<>(Side.class);
    private final Map<String, SdesKey> forkKeys = new HashMap<>();
    private final Map<String, String> forkOffers = new HashMap<>();
    private String callerOffer;
    private String pendingOffer;
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

    private boolean terminating() {
        return settings.mode() == RelayMode.TERMINATION;
    }

    /**
     * The caller's offer in its INVITE: allocates the relay, whose dead-stream timer waits for as
     * long as the call may ring.
     *
     * @throws io.hub.relay.sdp.SrtpRequired when the offer has no SDES SRTP audio (488)
     * @throws io.hub.relay.PortsExhaustedException when the relay has no ports left (503)
     */
    void callerOffer(String sdp) throws SdpException, RelayException {
        SessionDescription description = SessionDescription.parse(sdp);
        relayedIndex = MediaPlan.relayed(description).keySet().iterator().next();
        Leg a = legs.get(Side.A);
        take(a, description, true);
        a.mux = description.media().get(relayedIndex).attribute("rtcp-mux").isPresent();
        if (terminating()) {
            a.outbound = SdesKey.generate(suite(a.chosen));
        }
        session = relay.allocate(callId, settings.mode(), spec(a), spec(legs.get(Side.B)));
        relay.timeout(session, settings.ringTimeout().plus(settings.transactionTimeout()));
        callerOffer = sdp;
        offerer = Side.A;
    }

    /** The offer one ringing phone gets, with a key of its own. */
    String offerForFork(String fork, String address) throws SdpException {
        SessionDescription description = SessionDescription.parse(callerOffer);
        List<String> crypto = null;
        if (terminating()) {
            SdesKey key = SdesKey.generate(suite(legs.get(Side.A).chosen));
            forkKeys.put(fork, key);
            crypto = List.of(key.cryptoAttribute(HUB_CRYPTO_TAG));
        }
        String offer = rewrite(description, Side.B, address, crypto, false);
        forkOffers.put(fork, offer);
        return offer;
    }

    /**
     * The winning phone's answer: its leg gets its key, the media timer starts, and the caller's
     * answer is returned.
     *
     * @throws SdpException when the answer is unusable or refuses the audio: the call cannot go on
     */
    String answerFromFork(String fork, String sdp, String callerAddress) throws SdpException {
        SessionDescription description = parseAnswer(sdp);
        Leg b = legs.get(Side.B);
        take(b, description, false);
        b.outbound = forkKeys.get(fork);
        relay.update(session, Side.B, spec(b));
        lastSent.put(Side.B, forkOffers.get(fork));
        offerer = null;
        forkKeys.clear();
        forkOffers.clear();
        Leg a = legs.get(Side.A);
        String answer = rewrite(description, Side.A, callerAddress, terminating()
                ? List.of(a.outbound.cryptoAttribute(a.chosen.tag())) : null, a.mux);
        lastSent.put(Side.A, answer);
        applyTimeout();
        return answer;
    }

    /**
     * A re-offer from {@code from} (re-INVITE or UPDATE): staged until the other side answers.
     *
     * @return the offer the other side gets
     */
    String offer(Side from, String sdp, String otherAddress) throws SdpException {
        SessionDescription description = SessionDescription.parse(sdp);
        int index = MediaPlan.relayed(description).keySet().iterator().next();
        if (index != relayedIndex) {
            throw new SdpException("a new offer moves the audio stream from m-line " + relayedIndex + " to " + index);
        }
        Map<Side, Leg> next = new EnumMap<>(Side.class);
        legs.forEach((side, leg) -> next.put(side, leg.copy()));
        Leg leg = next.get(from);
        Leg other = next.get(from.other());
        SdesKey before = leg.inbound;
        take(leg, description, true);
        List<String> crypto = null;
        if (terminating()) {
            // The other phone's hub key carries the offerer's packets: it stays unless the offerer
            // took a new key (HubKeys). The offerer's own hub key waits for the answer.
            other.outbound = HubKeys.forLeg(other.outbound, suite(leg.chosen), HubKeys.rekeyed(before, leg.inbound));
            crypto = List.of(other.outbound.cryptoAttribute(HUB_CRYPTO_TAG));
        }
        staged = next;
        offerer = from;
        pendingOffer = rewrite(description, from.other(), otherAddress, crypto, other.mux);
        return pendingOffer;
    }

    /**
     * The answer from {@code from} to the staged re-offer: both legs change together, and the
     * offerer's answer is returned.
     *
     * @throws SdpException when the answer is unusable; the media stays as it was
     */
    String answer(Side from, String sdp, String offererAddress) throws SdpException {
        if (staged == null || offerer != from.other()) {
            throw new SdpException("an answer from " + from + " with no offer from the other side open");
        }
        SessionDescription description = parseAnswer(sdp);
        Leg leg = staged.get(from);
        SdesKey before = leg.inbound;
        take(leg, description, false);
        Leg offering = staged.get(from.other());
        if (terminating()) {
            offering.outbound = HubKeys.forLeg(offering.outbound, suite(offering.chosen),
                    HubKeys.rekeyed(before, leg.inbound));
        }
        String answer = rewrite(description, from.other(), offererAddress, terminating()
                ? List.of(offering.outbound.cryptoAttribute(offering.chosen.tag())) : null, offering.mux);
        legs = staged;
        staged = null;
        offerer = null;
        relay.update(session, Side.A, spec(legs.get(Side.A)));
        relay.update(session, Side.B, spec(legs.get(Side.B)));
        lastSent.put(from, pendingOffer);
        lastSent.put(from.other(), answer);
        applyTimeout();
        return answer;
    }

    /** The staged offer was refused or timed out: forget it, the media stays as it was. */
    void offerFailed() {
        staged = null;
        offerer = null;
        pendingOffer = null;
    }

    /** The SDP the hub last sent a phone: its offer in a 200 to a re-INVITE that carried none. */
    String lastSentTo(Side side) {
        return lastSent.get(side);
    }

    /** A phone's answer in the ACK to the hub's offer of {@link #lastSentTo}: only its own leg changes. */
    void answerInAck(Side from, String sdp) throws SdpException {
        SessionDescription description = parseAnswer(sdp);
        Leg leg = legs.get(from).copy();
        take(leg, description, false);
        legs.put(from, leg);
        relay.update(session, from, spec(leg));
        applyTimeout();
    }

    SessionStats stats() {
        return session == null ? null : relay.stats(session);
    }

    void release() {
        if (session != null) {
            relay.release(session);
        }
    }

    /** Reads a phone's view of the relayed stream into {@code leg}: direction, address and its key. */
    private void take(Leg leg, SessionDescription description, boolean offer) throws SdpException {
        MediaDescription media = description.media().get(relayedIndex);
        CryptoAttribute chosen = null;
        SdesKey inbound = null;
        if (terminating() || offer) {
            for (String value : media.attributes("crypto")) {
                CryptoAttribute crypto = CryptoAttribute.parse(value);
                if (!crypto.isSupported()) {
                    continue;
                }
                try {
                    inbound = SdesKey.parse(suite(crypto), crypto.keyParams());
                    chosen = crypto;
                    break;
                } catch (SdesKeyException e) {
                    // An MKI or a malformed key: a later line may do.
                }
            }
            if (chosen == null) {
                throw new SdpException("no a=crypto line of the audio stream has a key the relay can use");
            }
        }
        leg.chosen = chosen;
        leg.inbound = terminating() ? inbound : null;
        leg.expected = address(media, description);
        leg.holding = !media.direction(description).equals("sendrecv") || media.connectionAddress(description) == null;
    }

    private SessionDescription parseAnswer(String sdp) throws SdpException {
        if (sdp == null) {
            throw new SdpException("the answer has no SDP");
        }
        SessionDescription description = SessionDescription.parse(sdp);
        if (relayedIndex >= description.media().size()) {
            throw new SdpException("the answer has fewer m-lines than the offer");
        }
        MediaDescription media = description.media().get(relayedIndex);
        if (media.isRejected() || !media.isSecure()) {
            throw new SdpException("the answer refuses the SRTP audio stream");
        }
        return description;
    }

    private void applyTimeout() {
        boolean hold = legs.get(Side.A).holding || legs.get(Side.B).holding;
        relay.timeout(session, hold ? settings.holdTimeout() : settings.mediaTimeout());
    }

    private String rewrite(SessionDescription description, Side to, String address, List<String> crypto, boolean mux) {
        Map<Integer, MediaPlan.Endpoint> endpoints = Map.of(relayedIndex, new MediaPlan.Endpoint(
                session.rtpPort(to), mux ? null : session.rtcpPort(to), crypto));
        SessionDescription rewritten = MediaPlan.rewrite(description, address, endpoints);
        rewritten.media().get(relayedIndex).flag("rtcp-mux", mux);
        return rewritten.encode();
    }

    private LegSpec spec(Leg leg) {
        return terminating() ? LegSpec.termination(leg.mux, leg.expected, leg.inbound, leg.outbound)
                : LegSpec.passthrough(leg.mux, leg.expected);
    }

    private static SrtpSuite suite(CryptoAttribute crypto) throws SdpException {
        try {
            return SrtpSuite.forName(crypto.suite());
        } catch (SdesKeyException e) {
            throw new SdpException(e.getMessage());
        }
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
