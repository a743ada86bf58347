package io.hub.relay.offer;

import io.hub.relay.HubKeys;
import io.hub.relay.LegSpec;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayException;
import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.dtls.DtlsRole;
import io.hub.relay.dtls.DtlsSrtpLeg;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.sdp.DtlsSdp;
import io.hub.relay.sdp.MediaPlan;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SessionDescription;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.stun.IceCredentials;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The SDP offer/answer of one relayed call, the one adapter between SDP and the relay's legs for
 * both sides that drive the relay: the B2BUA and the ng control. It opens the relay session with the
 * first offer, turns every later offer and answer into the legs to update, and writes the SDP to
 * send on, with the relay's address and ports ({@link MediaPlan}) and, in termination, the hub's
 * own keys.
 *
 * <p>The rules it keeps, so both callers keep them alike:
 * <ul>
 *   <li>The first offer opens the session with the offerer's leg; every later offer is staged and
 *       reaches the relay only with its answer, so a refused re-offer leaves the media as it was.</li>
 *   <li>In termination each phone gets a hub key of its own; an onward offer carries one fresh key
 *       per suite offered (each ringing phone of a forked call gets its own), and the answer takes
 *       the one whose crypto tag it names. On a re-offer and its answer the hub keys follow
 *       {@link HubKeys}: a leg keeps its key while the phone whose packets it carries keeps its own.</li>
 *   <li>The audio stays on the m-line the first offer put it on.</li>
 *   <li>rtcp-mux: {@link Mux#FIRST_OFFERERS} lets the first offerer keep it, every other leg is a port
 *       pair; {@link Mux#DECLINED} declines it on both legs (RFC 5761 lets an answerer decline it).</li>
 * </ul>
 * <p>A first offer in WebRTC's DTLS-SRTP ({@link PhoneMedia#ofSdesOrDtls}) is served when the hub
 * was given its {@link DtlsSrtpLegs}: the offerer's leg becomes a DTLS-SRTP leg with ICE-lite and
 * rtcp-mux, whose keys come from the handshake; the other phone gets an SDES offer with a hub key
 * of its own, and the offerer gets the hub's DTLS answer (its fingerprint, {@code a=setup} by
 * RFC 8842, the relay port as its one candidate). The other way, an SDES first offer can be written
 * for a WebRTC callee ({@link #onwardToWebRtc}: DTLS-SRTP, actpass, ICE-lite), whose DTLS-SRTP answer
 * makes side B a DTLS-SRTP leg, while the SDES caller gets an SDES answer. Re-offers on a call with a
 * DTLS-SRTP leg are not served yet.
 *
 * <p>An offer or answer that is refused (an {@link SdpException}) changes nothing. Not thread-safe:
 * the caller serialises a call's offers and answers.
 */
public final class OfferAnswer {

    /** Whose rtcp-mux the relay honours. */
    public enum Mux {
        /** The first offerer's leg muxes when its offer does; the other leg is always a port pair. */
        FIRST_OFFERERS,
        /** Every leg is a port pair: rtcp-mux is declined to both phones. */
        DECLINED
    }

    /**
     * An offer as the receiving phone gets it.
     *
     * @param sdp the rewritten SDP to send on
     * @param keys termination: the hub's keys in it, crypto tag 1 first; empty in passthrough
     */
    public record Onward(String sdp, List<SdesKey> keys, WebRtcOffer webRtc) {

        public Onward(String sdp, List<SdesKey> keys) {
            this(sdp, keys, null);
        }
    }

    /**
     * The hub's ICE-lite credentials in a DTLS-SRTP offer to a WebRTC phone ({@link #onwardToWebRtc}),
     * kept for its answer, which brings the phone's own.
     */
    public record WebRtcOffer(String iceUfrag, String icePassword) {
    }

    /** What the hub knows of one phone's media, as the last offer/answer in force gave it. */
    private record Leg(PhoneMedia media, SdesKey phoneKey, SdesKey hubKey, boolean mux) {

        static final Leg UNKNOWN = new Leg(null, null, null, false);
    }

    /** The offerer's DTLS-SRTP leg: the hub's role and ICE credentials on it, written into every answer. */
    private record Dtls(DtlsSrtpLeg leg, DtlsRole role, IceCredentials ice, DtlsSrtpLegs legs) {
    }

    /** An offer that waits for its answer. */
    private record Pending(Side from, PhoneMedia media, SdesKey phoneKey) {
    }

    private final MediaRelay relay;
    private final RelaySession session;
    private final int mediaIndex;
    private final Map<Side, Leg> legs = new EnumMap<>(Side.class);
    private Pending pending;
    private Dtls dtls;
    /** The answerer's DTLS-SRTP leg when the hub offered DTLS-SRTP to a WebRTC callee. */
    private Dtls calleeDtls;
    /** Where DTLS-SRTP legs are made, when the side that opened the call serves them. */
    private DtlsSrtpLegs dtlsLegs;

    private OfferAnswer(MediaRelay relay, RelaySession session, int mediaIndex, Leg offerer, PhoneMedia offer,
            SdesKey phoneKey) {
        this.relay = relay;
        this.session = session;
        this.mediaIndex = mediaIndex;
        legs.put(Side.A, offerer);
        legs.put(Side.B, Leg.UNKNOWN);
        this.pending = new Pending(Side.A, offer, phoneKey);
    }

    /**
     * The first offer, from side A: allocates the relay session with A's leg and stages the offer
     * for B's answer. Nothing is allocated when the offer is refused.
     *
     * @throws SdpException when the offer's key cannot be read (termination)
     * @throws io.hub.relay.PortsExhaustedException when the relay has no ports left
     * @throws RelayException when the relay could not open the session's ports
     */
    public static OfferAnswer open(MediaRelay relay, String callId, RelayMode mode, Mux mux, PhoneMedia offer)
            throws SdpException, RelayException {
        if (offer.dtls() != null) {
            throw new SrtpRequired("DTLS-SRTP (" + offer.medium().protocol() + ") is not served here; offer SDES");
        }
        SdesKey phoneKey = mode == RelayMode.TERMINATION ? offer.key() : null;
        Leg a = new Leg(offer, phoneKey, phoneKey == null ? null : SdesKey.generate(phoneKey.suite()),
                mux == Mux.FIRST_OFFERERS && offer.muxes());
        RelaySession session = relay.allocate(callId, mode, spec(mode, a), spec(mode, Leg.UNKNOWN));
        return new OfferAnswer(relay, session, offer.index(), a, offer, phoneKey);
    }

    /**
     * {@link #open} for a side that terminates DTLS-SRTP too: a DTLS-SRTP first offer makes side A a
     * DTLS-SRTP leg of {@code dtlsLegs}, which waits for the offerer's ICE checks and handshake.
     *
     * @throws SdpException when a DTLS-SRTP offer comes in passthrough (the hub must hold keys to
     *     bridge it) or with an {@code a=setup} that is not active, passive or actpass
     */
    public static OfferAnswer open(MediaRelay relay, String callId, RelayMode mode, PhoneMedia offer,
            DtlsSrtpLegs dtlsLegs) throws SdpException, RelayException {
        return open(relay, callId, mode, Mux.FIRST_OFFERERS, offer, dtlsLegs);
    }

    /**
     * {@link #open(MediaRelay, String, RelayMode, PhoneMedia, DtlsSrtpLegs)} where an SDES first offer
     * keeps {@code mux}; a DTLS-SRTP leg always muxes, as WebRTC does.
     */
    public static OfferAnswer open(MediaRelay relay, String callId, RelayMode mode, Mux mux, PhoneMedia offer,
            DtlsSrtpLegs dtlsLegs) throws SdpException, RelayException {
        PhoneMedia.Dtls keying = offer.dtls();
        if (keying == null) {
            OfferAnswer exchange = open(relay, callId, mode, mux, offer);
            exchange.dtlsLegs = dtlsLegs;
            return exchange;
        }
        if (mode != RelayMode.TERMINATION) {
            throw new SdpException("DTLS-SRTP is bridged only when the hub terminates SRTP, not in " + mode);
        }
        DtlsRole role;
        try {
            role = DtlsRole.answering(keying.setup());
        } catch (IllegalArgumentException e) {
            throw new SdpException(e.getMessage());
        }
        // WebRTC muxes RTCP (RFC 8834 §5.1.1): the leg is one port, as the hub's answer says.
        Leg a = new Leg(offer, null, null, true);
        RelaySession session = relay.allocate(callId, mode, spec(mode, a), spec(mode, Leg.UNKNOWN));
        OfferAnswer exchange = new OfferAnswer(relay, session, offer.index(), a, offer, null);
        exchange.dtlsLegs = dtlsLegs;
        IceCredentials ice = keying.iceUfrag() == null ? null
                : IceCredentials.generate(keying.iceUfrag(), keying.icePwd());
        try {
            exchange.dtls = new Dtls(dtlsLegs.attach(relay, session, Side.A, role, keying.fingerprint(), ice,
                    offer.rtp()), role, ice, dtlsLegs);
        } catch (RuntimeException e) {
            relay.release(session);
            throw e;
        }
        return exchange;
    }

    /** A side's DTLS-SRTP leg, or null for an SDES one. */
    public DtlsSrtpLeg dtlsLeg(Side side) {
        Dtls leg = side == Side.A ? dtls : calleeDtls;
        return leg == null ? null : leg.leg();
    }

    public RelaySession session() {
        return session;
    }

    /** The m-line the relayed audio is on, from 0. */
    public int mediaIndex() {
        return mediaIndex;
    }

    /** The side whose offer awaits an answer, or null. */
    public Side offerer() {
        return pending == null ? null : pending.from();
    }

    /** A phone's media as the offer/answer in force gave it, or null before its first. */
    public PhoneMedia media(Side side) {
        return legs.get(side).media();
    }

    /** Either phone holds the call, by the offer/answer in force. */
    public boolean onHold() {
        return legs.values().stream().anyMatch(leg -> leg.media() != null && leg.media().holding());
    }

    /**
     * A new offer from {@code from} (a re-INVITE, an UPDATE, an ng {@code offer} for a known call):
     * staged until the other side answers, replacing any offer still open. Write what the other
     * phone gets with {@link #onward}.
     *
     * @throws SdpException when it moves the audio to another m-line, or its key cannot be read
     */
    public void offer(Side from, PhoneMedia offer) throws SdpException {
        if (dtls != null || calleeDtls != null || offer.dtls() != null) {
            throw new SdpException("call " + session.callId() + ": re-offers on a DTLS-SRTP leg are not served yet");
        }
        if (offer.index() != mediaIndex) {
            throw new SdpException("call " + session.callId() + " relays m-line " + (mediaIndex + 1)
                    + ", the re-offer m-line " + (offer.index() + 1));
        }
        pending = new Pending(from, offer, terminating() ? offer.key() : null);
    }

    /** {@link #onward(String, List)} in the offerer's own suite only. */
    public Onward onward(String relayAddress) throws SdpException {
        if (pending != null && pending.media().dtls() != null) {
            // The offerer's keys come from DTLS: the desk phone gets the suite every SDES phone speaks.
            return onward(relayAddress, List.of(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        }
        return onward(relayAddress, pending == null || pending.phoneKey() == null ? List.of()
                : List.of(pending.phoneKey().suite()));
    }

    /**
     * The open offer as the other phone is to see it. Each call writes it anew: where the other phone
     * has no hub key yet (a first offer), each gets fresh keys, so every ringing phone of a forked
     * call has its own.
     *
     * @param relayAddress the relay's address the other phone sends media to
     * @param suites termination: the suites to offer, one key each under crypto tags 1, 2 …
     * @throws SdpException when no offer is open
     */
    public Onward onward(String relayAddress, List<SrtpSuite> suites) throws SdpException {
        if (pending == null) {
            throw new SdpException("no offer is open");
        }
        Leg receiver = legs.get(pending.from().other());
        List<SdesKey> keys = new ArrayList<>();
        List<String> crypto = null;
        if (terminating()) {
            // The receiver's hub key carries the offerer's packets: kept unless the offerer took a new key.
            boolean rekeyed = HubKeys.rekeyed(legs.get(pending.from()).phoneKey(), pending.phoneKey());
            crypto = new ArrayList<>();
            for (SrtpSuite suite : suites) {
                SdesKey key = HubKeys.forLeg(receiver.hubKey(), suite, rekeyed);
                keys.add(key);
                crypto.add(key.cryptoAttribute(keys.size()));
            }
        }
        SessionDescription sdp = rewrite(pending.media(), pending.from().other(), relayAddress, crypto,
                receiver.mux());
        if (pending.media().dtls() != null) {
            DtlsSdp.toSdes(sdp, mediaIndex);
        }
        return new Onward(sdp.encode(), List.copyOf(keys));
    }

    /**
     * The open first offer, from an SDES phone, as a WebRTC phone is to see it: DTLS-SRTP
     * ({@code UDP/TLS/RTP/SAVPF}) with the hub's fingerprint and {@code a=setup:actpass}, the hub as an
     * ICE-lite agent with fresh credentials and the relay port as its one candidate, rtcp-mux, and the
     * audio as {@code a=mid:0} in a BUNDLE group (RFC 8829 asks both of a browser's offers and answers).
     * Each call writes it anew with fresh credentials, so every ringing browser of a forked call has
     * its own; the answer ({@link #answer}) takes the ones its {@link Onward} carries.
     *
     * @throws SdpException when no offer is open, the hub has no DTLS legs or does not terminate SRTP,
     *     or the offer is not a call's first from an SDES phone
     */
    public Onward onwardToWebRtc(String relayAddress) throws SdpException {
        if (pending == null) {
            throw new SdpException("no offer is open");
        }
        if (dtlsLegs == null || !terminating()) {
            throw new SdpException("the hub offers DTLS-SRTP only where it terminates SRTP with DTLS legs");
        }
        if (pending.from() != Side.A || dtls != null || legs.get(Side.B).media() != null) {
            throw new SdpException("the hub offers DTLS-SRTP only in a call's first offer, from an SDES phone");
        }
        // The browser's credentials come with its answer; the hub's are fixed now, in its offer.
        IceCredentials local = IceCredentials.generate("answer", "answer");
        SessionDescription sdp = rewrite(pending.media(), Side.B, relayAddress, List.of(), true);
        List<String> lines = new ArrayList<>();
        lines.add("fingerprint:" + dtlsLegs.fingerprint().sdpValue());
        lines.add("setup:actpass");
        lines.add("ice-ufrag:" + local.localUfrag());
        lines.add("ice-pwd:" + local.localPassword());
        lines.add("candidate:1 1 udp 2130706431 " + relayAddress + " " + session.rtpPort(Side.B) + " typ host");
        lines.add("end-of-candidates");
        DtlsSdp.toDtls(sdp, mediaIndex, lines, true, "0", true);
        return new Onward(sdp.encode(), List.of(), new WebRtcOffer(local.localUfrag(), local.localPassword()));
    }

    /**
     * The answer from {@code from} to the open offer, as {@code answered} carried it: both legs change
     * together, and the offerer's answer is returned.
     *
     * @param relayAddress the relay's address the offerer sends media to
     * @throws SdpException when no offer of the other side is open, the answer relays another m-line,
     *     or names a crypto tag the offer did not carry; the media stays as it was
     */
    public String answer(Side from, Onward answered, PhoneMedia answer, String relayAddress) throws SdpException {
        if (pending == null || pending.from() != from.other()) {
            throw new SdpException("an answer from " + from + " with no offer from the other side open");
        }
        if (answer.index() != mediaIndex) {
            throw new SdpException("the answer relays m-line " + (answer.index() + 1) + ", the offer m-line "
                    + (mediaIndex + 1));
        }
        if ((answer.dtls() != null) != (answered.webRtc() != null)) {
            throw new SdpException(answer.dtls() != null ? "a DTLS-SRTP answer to the hub's SDES offer"
                    : "an SDES answer to the hub's DTLS-SRTP offer");
        }
        DtlsRole calleeRole = null;
        if (answer.dtls() != null) {
            try {
                calleeRole = DtlsRole.offered(answer.dtls().setup());
            } catch (IllegalArgumentException e) {
                throw new SdpException(e.getMessage());
            }
            if (answer.dtls().iceUfrag() == null) {
                throw new SdpException("the DTLS-SRTP answer has no ICE credentials for the hub's ICE-lite offer");
            }
        }
        boolean dtlsOfferer = pending.media().dtls() != null;
        Leg offering = legs.get(pending.from());
        Leg answering = legs.get(from);
        SdesKey answererKey = null;
        SdesKey answererHubKey = null;
        SdesKey offererHubKey = null;
        List<String> crypto = null;
        if (terminating() && answer.dtls() != null) {
            // The answerer's keys come from its DTLS handshake; the offerer keeps the hub key it has.
            crypto = List.of(offering.hubKey().cryptoAttribute(pending.media().crypto().tag()));
            offererHubKey = offering.hubKey();
        } else if (terminating()) {
            int tag = answer.crypto().tag();
            List<SdesKey> offered = answered.keys();
            if (tag < 1 || tag > offered.size() || offered.get(tag - 1).suite() != answer.suite()) {
                throw new SdpException("the answer's a=crypto " + tag + " " + answer.crypto().suite()
                        + " was not offered");
            }
            answererKey = answer.key();
            answererHubKey = offered.get(tag - 1);
            if (dtlsOfferer) {
                // The offerer's keys come from its DTLS handshake, not from the SDP.
                crypto = List.of();
            } else {
                // The offerer's hub key carries the answerer's packets: new if the answerer took a new key.
                offererHubKey = HubKeys.forLeg(offering.hubKey(), pending.phoneKey().suite(),
                        HubKeys.rekeyed(answering.phoneKey(), answererKey));
                crypto = List.of(offererHubKey.cryptoAttribute(pending.media().crypto().tag()));
            }
        }
        SessionDescription written = rewrite(answer, pending.from(), relayAddress, crypto, offering.mux());
        if (answer.dtls() != null) {
            // The WebRTC callee's answer reaches the desk phone as SDES, with the hub's key for it.
            DtlsSdp.toSdes(written, mediaIndex);
        }
        if (dtlsOfferer) {
            dtlsAnswer(written, pending.media().dtls(), relayAddress);
        }
        String sdp = written.encode();
        legs.put(pending.from(), new Leg(pending.media(), pending.phoneKey(), offererHubKey, offering.mux()));
        legs.put(from, new Leg(answer, answererKey, answererHubKey, answering.mux() || answer.dtls() != null));
        pending = null;
        relay.update(session, Side.A, spec(session.mode(), legs.get(Side.A)));
        relay.update(session, Side.B, spec(session.mode(), legs.get(Side.B)));
        if (answer.dtls() != null) {
            PhoneMedia.Dtls keying = answer.dtls();
            IceCredentials ice = new IceCredentials(answered.webRtc().iceUfrag(), answered.webRtc().icePassword(),
                    keying.iceUfrag(), keying.icePwd());
            calleeDtls = new Dtls(dtlsLegs.attach(relay, session, from, calleeRole, keying.fingerprint(), ice,
                    answer.rtp()), calleeRole, ice, dtlsLegs);
        }
        return sdp;
    }

    /**
     * A phone's answer to the SDP the hub last sent it, when the hub made the offer (a re-INVITE
     * without one, answered in the ACK): only its own leg changes, its hub key stays.
     *
     * @throws SdpException when it relays another m-line or its key cannot be read
     */
    public void answerToHub(Side from, PhoneMedia answer) throws SdpException {
        if (dtls != null || calleeDtls != null) {
            throw new SdpException("call " + session.callId() + ": re-offers on a DTLS-SRTP leg are not served yet");
        }
        if (answer.index() != mediaIndex) {
            throw new SdpException("the answer relays m-line " + (answer.index() + 1) + ", the offer m-line "
                    + (mediaIndex + 1));
        }
        Leg leg = legs.get(from);
        Leg next = new Leg(answer, terminating() ? answer.key() : null, leg.hubKey(), leg.mux());
        legs.put(from, next);
        relay.update(session, from, spec(session.mode(), next));
    }

    /** The open offer was refused or timed out: forgotten, the media stays as it was. */
    public void offerFailed() {
        pending = null;
    }

    private boolean terminating() {
        return session.mode() == RelayMode.TERMINATION;
    }

    /**
     * The hub's DTLS-SRTP answer lines for the offerer's leg: its certificate's fingerprint, its role,
     * and as an ICE-lite agent its credentials and the relay port as its one host candidate.
     */
    private void dtlsAnswer(SessionDescription answer, PhoneMedia.Dtls offered, String relayAddress) {
        List<String> lines = new ArrayList<>();
        lines.add("fingerprint:" + dtls.legs().fingerprint().sdpValue());
        lines.add("setup:" + dtls.role().setupAttribute());
        if (dtls.ice() != null) {
            lines.add("ice-ufrag:" + dtls.ice().localUfrag());
            lines.add("ice-pwd:" + dtls.ice().localPassword());
            lines.add("candidate:1 1 udp 2130706431 " + relayAddress + " " + session.rtpPort(Side.A) + " typ host");
            lines.add("end-of-candidates");
        }
        DtlsSdp.toDtls(answer, mediaIndex, lines, dtls.ice() != null, offered.mid(), offered.bundled());
    }

    /** {@code media} as the phone on {@code toward} is to see it: the relay's side facing it. */
    private SessionDescription rewrite(PhoneMedia media, Side toward, String relayAddress, List<String> crypto, boolean mux)
            throws SdpException {
        SessionDescription description = media.copy();
        description.media().get(mediaIndex).flag("rtcp-mux", mux);
        Map<Integer, MediaPlan.Endpoint> endpoints = Map.of(mediaIndex, new MediaPlan.Endpoint(
                session.rtpPort(toward), mux ? null : session.rtcpPort(toward), crypto));
        return MediaPlan.rewrite(description, relayAddress, endpoints);
    }

    private static LegSpec spec(RelayMode mode, Leg leg) {
        PhoneMedia media = leg.media();
        return new LegSpec(leg.mux(), media == null ? null : media.rtp(), media == null ? null : media.rtcp(),
                mode == RelayMode.TERMINATION ? leg.phoneKey() : null,
                mode == RelayMode.TERMINATION ? leg.hubKey() : null);
    }
}
