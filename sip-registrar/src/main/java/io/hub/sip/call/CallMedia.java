package io.hub.sip.call;

import io.hub.relay.MediaRelay;
import io.hub.relay.RelayException;
import io.hub.relay.SessionStats;
import io.hub.relay.Side;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.offer.OfferAnswer;
import io.hub.relay.offer.PhoneMedia;
import io.hub.relay.sdp.SdpException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The media of one call as the B2BUA drives it: the relay's offer/answer ({@link OfferAnswer}, the
 * adapter ng uses too, with its rules for keys, re-offers and rtcp-mux) plus what only a B2BUA has:
 * one onward offer per ringing phone, each with a key of its own, the SDP last sent to each phone (a
 * re-INVITE without an offer gets it again), and the dead-stream timer, which waits as long as the
 * call may ring and longer while a phone holds. The caller's leg muxes RTCP when its offer does; the
 * callee's leg is always a port pair, so a phone without rtcp-mux is never pushed into it. Guarded
 * by the call's lock.
 */
final class CallMedia {

    private final String callId;
    private final MediaRelay relay;
    private final CallSettings settings;
    private final DtlsSrtpLegs dtlsLegs;
    private final Map<Side, String> lastSent = new EnumMap<>(Side.class);
    private final Map<String, OfferAnswer.Onward> forkOffers = new HashMap<>();
    private OfferAnswer exchange;
    private OfferAnswer.Onward pendingOffer;

    /** @param dtlsLegs where a WebRTC caller's leg is made, or null to refuse WebRTC offers */
    CallMedia(String callId, MediaRelay relay, CallSettings settings, DtlsSrtpLegs dtlsLegs) {
        this.dtlsLegs = dtlsLegs;
        this.callId = callId;
        this.relay = relay;
        this.settings = settings;
    }

    /**
     * The caller's offer in its INVITE: allocates the relay, whose dead-stream timer waits for as
     * long as the call may ring.
     *
     * A WebRTC offer ({@code UDP/TLS/RTP/SAVPF} with {@code a=fingerprint}) makes the caller's leg
     * DTLS-SRTP with ICE-lite when the hub has its DTLS legs; the callee is still offered SDES
     * {@code RTP/SAVP}, since the hub never offers DTLS toward a desk phone.
     *
     * @throws io.hub.relay.sdp.SrtpRequired when the offer has no SRTP audio the hub serves (488)
     * @throws SdpException when it cannot be read, or its fingerprint is in a hash the hub does not take (488)
     * @throws io.hub.relay.PortsExhaustedException when the relay has no ports left (503)
     */
    void callerOffer(String sdp) throws SdpException, RelayException {
        exchange = dtlsLegs == null
                ? OfferAnswer.open(relay, callId, settings.mode(), OfferAnswer.Mux.FIRST_OFFERERS, PhoneMedia.of(sdp))
                : OfferAnswer.open(relay, callId, settings.mode(), OfferAnswer.Mux.FIRST_OFFERERS,
                        PhoneMedia.ofSdesOrDtls(sdp), dtlsLegs);
        relay.timeout(exchange.session(), settings.ringTimeout().plus(settings.transactionTimeout()));
    }

    /**
     * The offer one ringing phone gets, with a key of its own; a WebRTC phone ({@link WebRtcContact}) of
     * a hub with DTLS legs gets DTLS-SRTP with ICE-lite instead, with credentials of its own.
     */
    String offerForFork(String fork, String address, boolean webRtc) throws SdpException {
        OfferAnswer.Onward offer = webRtc && dtlsLegs != null ? exchange.onwardToWebRtc(address)
                : exchange.onward(address);
        forkOffers.put(fork, offer);
        return offer.sdp();
    }

    /**
     * The winning phone's answer: its leg gets its key, the media timer starts, and the caller's
     * answer is returned.
     *
     * @throws SdpException when the answer is unusable or refuses the audio: the call cannot go on
     */
    String answerFromFork(String fork, String sdp, String callerAddress) throws SdpException {
        OfferAnswer.Onward offer = forkOffers.get(fork);
        String answer = exchange.answer(Side.B, offer, offer.webRtc() != null ? PhoneMedia.ofSdesOrDtls(sdp)
                : PhoneMedia.of(sdp), callerAddress);
        forkOffers.clear();
        lastSent.put(Side.B, offer.sdp());
        lastSent.put(Side.A, answer);
        applyTimeout();
        return answer;
    }

    /**
     * A re-offer from {@code from} (re-INVITE or UPDATE): staged until the other side answers. On a call
     * with a DTLS-SRTP leg it follows {@link OfferAnswer}'s re-offer rules: the browser's leg keeps its
     * association unless its fingerprint changes, and gets the hub's DTLS lines whoever offered.
     *
     * @return the offer the other side gets
     */
    String offer(Side from, String sdp, String otherAddress) throws SdpException {
        exchange.offer(from, dtlsLegs == null ? PhoneMedia.of(sdp) : PhoneMedia.ofSdesOrDtls(sdp));
        pendingOffer = exchange.onward(otherAddress);
        return pendingOffer.sdp();
    }

    /**
     * The answer from {@code from} to the staged re-offer: both legs change together, and the
     * offerer's answer is returned.
     *
     * @throws SdpException when the answer is unusable; the media stays as it was
     */
    String answer(Side from, String sdp, String offererAddress) throws SdpException {
        if (pendingOffer == null) {
            throw new SdpException("an answer from " + from + " with no offer from the other side open");
        }
        String answer = exchange.answer(from, pendingOffer, pendingOffer.webRtc() != null
                ? PhoneMedia.ofSdesOrDtls(sdp) : PhoneMedia.of(sdp), offererAddress);
        lastSent.put(from, pendingOffer.sdp());
        lastSent.put(from.other(), answer);
        pendingOffer = null;
        applyTimeout();
        return answer;
    }

    /** The staged offer was refused or timed out: forget it, the media stays as it was. */
    void offerFailed() {
        exchange.offerFailed();
        pendingOffer = null;
    }

    /** The SDP the hub last sent a phone: its offer in a 200 to a re-INVITE that carried none. */
    String lastSentTo(Side side) {
        return lastSent.get(side);
    }

    /** A phone's answer in the ACK to the hub's offer of {@link #lastSentTo}: only its own leg changes. */
    void answerInAck(Side from, String sdp) throws SdpException {
        exchange.answerToHub(from, exchange.dtlsLeg(from) != null ? PhoneMedia.ofSdesOrDtls(sdp) : PhoneMedia.of(sdp));
        applyTimeout();
    }

    SessionStats stats() {
        return exchange == null ? null : relay.stats(exchange.session());
    }

    /** The caller's and callee's leg as admins see them: the relay's figures, the leg's kind, DTLS and ICE. */
    Map<String, Map<String, Object>> figures() {
        Map<String, Map<String, Object>> figures = CallFigures.of(stats());
        if (exchange != null) {
            CallFigures.keying(figures.get("caller"), exchange.dtlsLeg(Side.A));
            CallFigures.keying(figures.get("callee"), exchange.dtlsLeg(Side.B));
        }
        return figures;
    }

    void release() {
        if (exchange != null) {
            relay.release(exchange.session());
        }
    }

    private void applyTimeout() {
        relay.timeout(exchange.session(), exchange.onHold() ? settings.holdTimeout() : settings.mediaTimeout());
    }
}
