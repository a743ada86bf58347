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
import io.hub.relay.dtls.Fingerprint;
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
 * makes side B a DTLS-SRTP leg, while the SDES caller gets an SDES answer.
 *
 * <p>Re-offers on a call with a DTLS-SRTP leg (hold, resume, an ICE restart, a new certificate), from
 * either phone, keep each leg's kind (a re-offer that would change it is refused) and follow RFC 8842
 * §5.5 and RFC 8445 §9:
 * <ul>
 *   <li>The hub's DTLS lines stay the same: its fingerprint, and its role in place as {@code a=setup}
 *       ({@code active} or {@code passive}, which RFC 8842 lets a re-offer say instead of actpass), so
 *       an answerer keeps the roles and the association stays. An actpass re-offer is answered with the
 *       role in place too.</li>
 *   <li>The peer's fingerprint and role unchanged: the DTLS association and its SRTP keys stay. A new
 *       fingerprint or role: a new handshake ({@link DtlsSrtpLegs#renew}), whose keys replace the old
 *       ones when it ends; the other phone's hub key is then a fresh one too ({@link HubKeys}: the
 *       browser's packets come under a new SRTP context). A handshake whose certificate is not the new
 *       fingerprint fails as a first one does, and the call side ends the call.</li>
 *   <li>New ICE credentials from the peer are an ICE restart: the hub answers with new ones of its own
 *       and answers only checks made with them from then on; the association stays. When the hub made
 *       the re-offer its own credentials are the ones it offered.</li>
 * </ul>
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

    /**
     * A DTLS-SRTP leg: the hub's role and ICE credentials on it, written into every SDP the hub sends
     * that phone, and the peer's fingerprint its association was made with.
     */
    private record Dtls(DtlsSrtpLeg leg, DtlsRole role, IceCredentials ice, Fingerprint peer) {
    }

    /**
     * What an offer or answer of a DTLS-SRTP phone does to its leg: {@code next} is the leg as it is to
     * be (its {@code leg} still the current one), with a new association or an ICE restart.
     */
    private record DtlsChange(Side side, Dtls current, Dtls next, boolean newAssociation, boolean iceRestart,
                              java.net.InetSocketAddress peerAddress) {
    }

    /** An offer that waits for its answer. */
    private record Pending(Side from, PhoneMedia media, SdesKey phoneKey) {
    }

    private final MediaRelay relay;
    private final RelaySession session;
    private final int mediaIndex;
    private final Map<Side, Leg> legs = new EnumMap<>(Side.class);
    private Pending pending;
    /** The DTLS-SRTP legs: the WebRTC offerer's, and the callee's when the hub offered it DTLS-SRTP. */
    private final Map<Side, Dtls> dtls = new EnumMap<>(Side.class);
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
            exchange.dtls.put(Side.A, new Dtls(dtlsLegs.attach(relay, session, Side.A, role, keying.fingerprint(), ice,
                    offer.rtp()), role, ice, keying.fingerprint()));
        } catch (RuntimeException e) {
            relay.release(session);
            throw e;
        }
        return exchange;
    }

    /** A side's DTLS-SRTP leg, or null for an SDES one. */
    public DtlsSrtpLeg dtlsLeg(Side side) {
        Dtls leg = dtls.get(side);
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
     * @throws SdpException when it moves the audio to another m-line, changes the leg's keying between
     *     SDES and DTLS-SRTP, has an {@code a=setup} the hub cannot answer, or its key cannot be read
     */
    public void offer(Side from, PhoneMedia offer) throws SdpException {
        if (offer.index() != mediaIndex) {
            throw new SdpException("call " + session.callId() + " relays m-line " + (mediaIndex + 1)
                    + ", the re-offer m-line " + (offer.index() + 1));
        }
        sameKeying(from, offer);
        if (offer.dtls() != null) {
            role(() -> DtlsRole.answeringAgain(offer.dtls().setup(), dtls.get(from).role()));
        }
        pending = new Pending(from, offer, terminating() && offer.dtls() == null ? offer.key() : null);
    }

    /** A leg stays SDES or DTLS-SRTP for the whole call: the hub made its keys and SDP for that kind. */
    private void sameKeying(Side side, PhoneMedia media) throws SdpException {
        boolean isDtls = dtls.containsKey(side);
        if ((media.dtls() != null) != isDtls) {
            throw new SdpException("call " + session.callId() + " leg " + side + " is " + (isDtls ? "DTLS-SRTP" : "SDES")
                    + "; its SDP cannot make it " + (isDtls ? "SDES" : "DTLS-SRTP"));
        }
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
        Side to = pending.from().other();
        if (dtls.containsKey(to)) {
            return dtlsReoffer(to, relayAddress);
        }
        Leg receiver = legs.get(to);
        List<SdesKey> keys = new ArrayList<>();
        List<String> crypto = null;
        if (terminating()) {
            // The receiver's hub key carries the offerer's packets: kept unless the offerer took a new key,
            // or, from a DTLS-SRTP phone, makes a new association (new keys, a new SRTP context).
            PhoneMedia.Dtls keying = pending.media().dtls();
            boolean rekeyed = keying != null ? dtlsChange(pending.from(), keying, answeringRole(pending.from(),
                    keying), false, null).newAssociation()
                    : HubKeys.rekeyed(legs.get(pending.from()).phoneKey(), pending.phoneKey());
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
        if (dtls.containsKey(pending.from().other())) {
            // A re-offer to a phone whose leg is DTLS-SRTP already: the hub's lines it has.
            return dtlsReoffer(pending.from().other(), relayAddress);
        }
        if (dtlsLegs == null || !terminating()) {
            throw new SdpException("the hub offers DTLS-SRTP only where it terminates SRTP with DTLS legs");
        }
        if (pending.from() != Side.A || dtls.containsKey(Side.A) || legs.get(Side.B).media() != null) {
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
        Side offererSide = pending.from();
        DtlsRole calleeRole = null;
        DtlsChange answererChange = null;
        if (answer.dtls() != null) {
            calleeRole = role(() -> DtlsRole.offered(answer.dtls().setup()));
            if (dtls.containsKey(from)) {
                // The hub's re-offer named its role in place: the answer must take the other one.
                if (calleeRole != dtls.get(from).role()) {
                    throw new SdpException("the answer's a=setup:" + answer.dtls().setup().strip()
                            + " takes the hub's own DTLS role; the hub offered a=setup:"
                            + dtls.get(from).role().setupAttribute());
                }
                answererChange = dtlsChange(from, answer.dtls(), calleeRole, true, answer.rtp());
            } else if (answer.dtls().iceUfrag() == null) {
                throw new SdpException("the DTLS-SRTP answer has no ICE credentials for the hub's ICE-lite offer");
            }
        }
        PhoneMedia.Dtls offererKeying = pending.media().dtls();
        DtlsChange offererChange = offererKeying == null ? null
                : dtlsChange(offererSide, offererKeying, answeringRole(offererSide, offererKeying), false,
                        pending.media().rtp());
        Leg offering = legs.get(offererSide);
        Leg answering = legs.get(from);
        SdesKey answererKey = null;
        SdesKey answererHubKey = null;
        SdesKey offererHubKey = null;
        List<String> crypto = null;
        if (terminating() && answer.dtls() != null) {
            // The answerer's keys come from its DTLS handshake. The offerer's hub key carries them: it
            // stays unless they come from a new association.
            offererHubKey = HubKeys.forLeg(offering.hubKey(), pending.phoneKey().suite(),
                    answererChange != null && answererChange.newAssociation());
            crypto = List.of(offererHubKey.cryptoAttribute(pending.media().crypto().tag()));
        } else if (terminating()) {
            int tag = answer.crypto().tag();
            List<SdesKey> offered = answered.keys();
            if (tag < 1 || tag > offered.size() || offered.get(tag - 1).suite() != answer.suite()) {
                throw new SdpException("the answer's a=crypto " + tag + " " + answer.crypto().suite()
                        + " was not offered");
            }
            answererKey = answer.key();
            answererHubKey = offered.get(tag - 1);
            if (offererKeying != null) {
                // The offerer's keys come from its DTLS handshake, not from the SDP.
                crypto = List.of();
            } else {
                // The offerer's hub key carries the answerer's packets: new if the answerer took a new key.
                offererHubKey = HubKeys.forLeg(offering.hubKey(), pending.phoneKey().suite(),
                        HubKeys.rekeyed(answering.phoneKey(), answererKey));
                crypto = List.of(offererHubKey.cryptoAttribute(pending.media().crypto().tag()));
            }
        }
        SessionDescription written = rewrite(answer, offererSide, relayAddress, crypto, offering.mux());
        if (answer.dtls() != null) {
            // The WebRTC answer reaches the desk phone as SDES, with the hub's key for it.
            DtlsSdp.toSdes(written, mediaIndex);
        }
        if (offererChange != null) {
            dtlsAnswer(written, offererKeying, relayAddress, offererSide, offererChange.next());
        }
        String sdp = written.encode();
        legs.put(offererSide, new Leg(pending.media(), pending.phoneKey(), offererHubKey, offering.mux()));
        legs.put(from, new Leg(answer, answererKey, answererHubKey, answering.mux() || answer.dtls() != null));
        pending = null;
        relay.update(session, Side.A, spec(session.mode(), legs.get(Side.A)));
        relay.update(session, Side.B, spec(session.mode(), legs.get(Side.B)));
        if (offererChange != null) {
            apply(offererChange);
        }
        if (answererChange != null) {
            apply(answererChange);
        } else if (answer.dtls() != null) {
            PhoneMedia.Dtls keying = answer.dtls();
            IceCredentials ice = new IceCredentials(answered.webRtc().iceUfrag(), answered.webRtc().icePassword(),
                    keying.iceUfrag(), keying.icePwd());
            dtls.put(from, new Dtls(dtlsLegs.attach(relay, session, from, calleeRole, keying.fingerprint(), ice,
                    answer.rtp()), calleeRole, ice, keying.fingerprint()));
        }
        return sdp;
    }

    /**
     * A phone's answer to the SDP the hub last sent it, when the hub made the offer (a re-INVITE
     * without one, answered in the ACK): only its own leg changes, its hub key stays. On a DTLS-SRTP
     * leg the answer must keep the hub's role; a new fingerprint makes a new association, new ICE
     * credentials restart ICE, as for any answer.
     *
     * @throws SdpException when it relays another m-line, changes the leg's keying or DTLS roles, or its
     *     key cannot be read
     */
    public void answerToHub(Side from, PhoneMedia answer) throws SdpException {
        if (answer.index() != mediaIndex) {
            throw new SdpException("the answer relays m-line " + (answer.index() + 1) + ", the offer m-line "
                    + (mediaIndex + 1));
        }
        sameKeying(from, answer);
        DtlsChange change = null;
        if (answer.dtls() != null) {
            DtlsRole role = role(() -> DtlsRole.offered(answer.dtls().setup()));
            if (role != dtls.get(from).role()) {
                throw new SdpException("the answer's a=setup:" + answer.dtls().setup().strip()
                        + " takes the hub's own DTLS role");
            }
            change = dtlsChange(from, answer.dtls(), role, true, answer.rtp());
        }
        Leg leg = legs.get(from);
        Leg next = new Leg(answer, terminating() && answer.dtls() == null ? answer.key() : null, leg.hubKey(),
                leg.mux());
        legs.put(from, next);
        relay.update(session, from, spec(session.mode(), next));
        if (change != null) {
            apply(change);
        }
    }

    /** The open offer was refused or timed out: forgotten, the media stays as it was. */
    public void offerFailed() {
        pending = null;
    }

    private boolean terminating() {
        return session.mode() == RelayMode.TERMINATION;
    }

    /** The hub's role in its answer to a DTLS-SRTP offer from {@code side}: the one in place for actpass. */
    private DtlsRole answeringRole(Side side, PhoneMedia.Dtls keying) throws SdpException {
        return role(() -> DtlsRole.answeringAgain(keying.setup(), dtls.get(side).role()));
    }

    /**
     * What {@code keying}, in an offer or answer of the phone on DTLS-SRTP leg {@code side}, does to the
     * leg: a new association when the fingerprint or the roles change, an ICE restart when the peer's
     * credentials change, with new hub credentials unless the hub made the offer ({@code hubOffered}).
     * {@code peerAddress} is where the hub as client sends its ClientHello on a leg without ICE.
     *
     * @throws SdpException when the peer drops ICE from a leg that has it
     */
    private DtlsChange dtlsChange(Side side, PhoneMedia.Dtls keying, DtlsRole role, boolean hubOffered,
            java.net.InetSocketAddress peerAddress) throws SdpException {
        Dtls current = dtls.get(side);
        boolean newAssociation = !current.peer().equals(keying.fingerprint()) || current.role() != role;
        IceCredentials ice = current.ice();
        boolean restart;
        if (ice == null) {
            // A leg without ICE gets it only from a peer that offers it; the hub offered none.
            restart = keying.iceUfrag() != null && !hubOffered;
            if (restart) {
                ice = IceCredentials.generate(keying.iceUfrag(), keying.icePwd());
            }
        } else if (keying.iceUfrag() == null) {
            throw new SdpException("call " + session.callId() + " leg " + side + " has ICE; the SDP drops it");
        } else {
            restart = !ice.remoteUfrag().equals(keying.iceUfrag()) || !ice.remotePassword().equals(keying.icePwd());
            if (restart) {
                ice = hubOffered
                        ? new IceCredentials(ice.localUfrag(), ice.localPassword(), keying.iceUfrag(), keying.icePwd())
                        : IceCredentials.generate(keying.iceUfrag(), keying.icePwd());
            }
        }
        return new DtlsChange(side, current, new Dtls(current.leg(), role, ice, keying.fingerprint()), newAssociation,
                restart, peerAddress);
    }

    /** Puts a DTLS-SRTP leg's change into force once the offer/answer that made it is taken. */
    private void apply(DtlsChange change) {
        Dtls next = change.next();
        DtlsSrtpLeg leg = change.current().leg();
        if (change.newAssociation()) {
            leg = dtlsLegs.renew(relay, session, change.side(), leg, next.role(), next.peer(), next.ice(),
                    change.peerAddress());
        } else if (change.iceRestart()) {
            leg.restartIce(next.ice());
        }
        dtls.put(change.side(), new Dtls(leg, next.role(), next.ice(), next.peer()));
    }

    /**
     * The hub's re-offer to the phone on DTLS-SRTP leg {@code to}: the open offer with the hub's lines
     * for that leg, its fingerprint, its role in place and its ICE credentials.
     */
    private Onward dtlsReoffer(Side to, String relayAddress) throws SdpException {
        Dtls leg = dtls.get(to);
        SessionDescription sdp = rewrite(pending.media(), to, relayAddress, List.of(), true);
        PhoneMedia.Dtls peer = legs.get(to).media().dtls();
        DtlsSdp.toDtls(sdp, mediaIndex, hubDtlsLines(to, leg, relayAddress), leg.ice() != null, peer.mid(),
                peer.bundled());
        return new Onward(sdp.encode(), List.of(), new WebRtcOffer(leg.ice() == null ? null : leg.ice().localUfrag(),
                leg.ice() == null ? null : leg.ice().localPassword()));
    }

    /**
     * The hub's DTLS-SRTP answer lines for the offerer's leg: its certificate's fingerprint, its role,
     * and as an ICE-lite agent its credentials and the relay port as its one host candidate.
     */
    private void dtlsAnswer(SessionDescription answer, PhoneMedia.Dtls offered, String relayAddress, Side side,
            Dtls leg) {
        DtlsSdp.toDtls(answer, mediaIndex, hubDtlsLines(side, leg, relayAddress), leg.ice() != null, offered.mid(),
                offered.bundled());
    }

    private List<String> hubDtlsLines(Side side, Dtls leg, String relayAddress) {
        List<String> lines = new ArrayList<>();
        lines.add("fingerprint:" + dtlsLegs.fingerprint().sdpValue());
        lines.add("setup:" + leg.role().setupAttribute());
        if (leg.ice() != null) {
            lines.add("ice-ufrag:" + leg.ice().localUfrag());
            lines.add("ice-pwd:" + leg.ice().localPassword());
            lines.add("candidate:1 1 udp 2130706431 " + relayAddress + " " + session.rtpPort(side) + " typ host");
            lines.add("end-of-candidates");
        }
        return lines;
    }

    /** A step that reads an {@code a=setup}, its refusal turned into the SDP's. */
    private interface RoleStep {
        DtlsRole run();
    }

    private static DtlsRole role(RoleStep step) throws SdpException {
        try {
            return step.run();
        } catch (IllegalArgumentException e) {
            throw new SdpException(e.getMessage());
        }
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
