package io.hub.relay.control;

import io.hub.relay.DeadStream;
import io.hub.relay.MediaRelay;
import io.hub.relay.PortsExhaustedException;
import io.hub.relay.RelayException;
import io.hub.relay.RelayMode;
import io.hub.relay.Side;
import io.hub.relay.dtls.DtlsLegReport;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.offer.OfferAnswer;
import io.hub.relay.offer.PhoneMedia;
import io.hub.relay.sdp.DtlsSdp;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.relay.srtp.SrtpSuite;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ng commands applied to a {@link MediaRelay}: {@code ping}, {@code offer}, {@code answer},
 * {@code delete} and {@code query}, keyed by Call-ID and SIP tags as rtpengine keys them.
 *
 * <p>The SDP goes through {@link OfferAnswer}, the adapter the B2BUA uses too: an offer from one
 * phone allocates the call (or, for a known call, is staged until its answer) and returns its SDP
 * rewritten for the other phone: the relay's address and ports, ICE removed, further media refused,
 * and in termination the hub's own keys, one per suite the SDES options leave. The answer does the
 * same the other way. rtcp-mux is declined on both legs ({@link OfferAnswer.Mux#DECLINED}), so
 * every leg is an even/odd port pair, except a WebRTC offerer's DTLS-SRTP leg (given the relay's
 * {@link DtlsSrtpLegs}), which muxes as WebRTC must and is deleted when its handshake fails
 * ({@link #dtlsEnded}). A re-offer may come from either phone, and keeps a call's
 * mode; its hub keys follow {@link io.hub.relay.HubKeys}, and on a DTLS-SRTP leg {@link OfferAnswer}'s
 * re-offer rules (the association kept unless the browser's fingerprint changes, ICE restarts answered). Each offer and answer counts as activity
 * for the dead-stream timeout, so a long ring does not end a call.
 *
 * <p>Called by one control thread; only {@link #ended} comes from the relay's I/O thread, and it
 * only takes a call out of the table.
 */
public final class RelayCalls {

    private static final Logger LOG = LoggerFactory.getLogger(RelayCalls.class);

    private final MediaRelay relay;
    private final String publicAddress;
    private final Clock clock;
    private final DtlsSrtpLegs dtlsLegs;
    private final Map<String, NgCall> calls = new ConcurrentHashMap<>();

    /**
     * @param dtlsLegs where a WebRTC offer's DTLS-SRTP leg is made, or null to refuse DTLS-SRTP offers
     */
    public RelayCalls(MediaRelay relay, String publicAddress, Clock clock, DtlsSrtpLegs dtlsLegs) {
        this.relay = relay;
        this.publicAddress = publicAddress;
        this.clock = clock;
        this.dtlsLegs = dtlsLegs;
    }

    /** The reply dictionary for one request. */
    Map<String, Object> handle(NgRequest request) throws NgError {
        String command = request.command();
        return switch (command) {
            case "ping" -> Map.of("result", "pong");
            case "offer" -> offer(request);
            case "answer" -> answer(request);
            case "delete" -> delete(request);
            case "query" -> query(request);
            default -> throw new NgError("Unrecognized command");
        };
    }

    public int size() {
        return calls.size();
    }

    /** A leg went silent: the call is over, as rtpengine ends a call after its timeout. */
    public void ended(DeadStream event) {
        String callId = event.session().callId();
        NgCall call = calls.get(callId);
        if (call != null && call.session == event.session() && calls.remove(callId, call)) {
            LOG.info("ng call {} deleted: leg {} silent for {}s", callId, event.silentLeg(), event.timeout().toSeconds());
        }
        relay.release(event.session());
    }

    /**
     * A DTLS-SRTP leg's handshake failed (a fingerprint mismatch, a timeout …): whoever holds the
     * media path is not who signalled the call, or nobody came, so the call is deleted. Runs on the
     * handshake's thread.
     */
    public void dtlsEnded(DtlsLegReport report) {
        if (report.established()) {
            return;
        }
        NgCall call = calls.get(report.callId());
        if (call == null || call.exchange.dtlsLeg(report.side()) == null
                || call.exchange.dtlsLeg(report.side()).report() != report || !calls.remove(report.callId(), call)) {
            return;
        }
        LOG.info("ng call {} deleted: DTLS on leg {} from {} failed: {}", call.callId, report.side(), report.peer(),
                report.failure().name().toLowerCase(java.util.Locale.ROOT));
        relay.release(call.session);
    }

    private Map<String, Object> offer(NgRequest request) throws NgError {
        String callId = request.string("call-id");
        String fromTag = request.string("from-tag");
        PhoneMedia media = phoneMedia(request.string("sdp"), dtlsLegs != null);
        SdesOptions options = SdesOptions.of(request);
        boolean toWebRtc = webRtcAsked(options.transportProtocol(), media);
        // Everything the offer could be refused for is checked before a port is taken. A DTLS-SRTP
        // offerer names no SDES suite: the desk phone is offered the one every SDES phone speaks.
        List<SrtpSuite> suites = options.mode() != RelayMode.TERMINATION ? List.of()
                : options.suitesOnward(media.dtls() != null ? SrtpSuite.AES_CM_128_HMAC_SHA1_80
                : refused(media::suite));
        NgCall call = calls.get(callId);
        NgCall.Party offerer;
        if (call == null) {
            call = allocate(callId, options.mode(), media);
            offerer = call.party(Side.A);
            offerer.tag = fromTag;
            offerer.createdSeconds = call.createdSeconds;
        } else {
            offerer = call.byTag(fromTag);
            if (offerer == null) {
                throw new NgError("Unknown from-tag " + fromTag + " for call " + callId);
            }
            if (options.mode() != call.mode) {
                throw new NgError("call " + callId + " is relayed in " + call.mode
                        + " mode; a re-offer cannot change it to " + options.mode());
            }
            NgCall.Party from = offerer;
            NgCall known = call;
            refused(() -> {
                known.exchange.offer(from.side, media);
                return null;
            });
        }
        NgCall current = call;
        call.onward = refused(() -> toWebRtc ? current.exchange.onwardToWebRtc(publicAddress)
                : current.exchange.onward(publicAddress, suites));
        relay.signalled(call.session);
        call.lastSignalSeconds = nowSeconds();
        Side receiver = offerer.side.other();
        LOG.info("ng offer call {} from {}: {} leg {} ports {}/{}", callId, fromTag, call.mode, receiver,
                call.session.rtpPort(receiver), call.session.rtcpPort(receiver));
        return Map.of("result", "ok", "sdp", call.onward.sdp());
    }

    private Map<String, Object> answer(NgRequest request) throws NgError {
        NgCall call = call(request.string("call-id"));
        String fromTag = request.string("from-tag");
        String toTag = request.string("to-tag");
        NgCall.Party offerer = call.byTag(fromTag);
        if (offerer == null || call.exchange.offerer() != offerer.side) {
            throw new NgError("no offer from tag " + fromTag + " awaits an answer in call " + call.callId);
        }
        NgCall.Party answerer = call.party(offerer.side.other());
        if (answerer.tag != null && !answerer.tag.equals(toTag)) {
            throw new NgError("to-tag " + toTag + " is not the call's other side (" + answerer.tag
                    + "); forked answers are not relayed");
        }
        PhoneMedia media = phoneMedia(request.string("sdp"), call.onward != null && call.onward.webRtc() != null);
        String sdp = refused(() -> call.exchange.answer(answerer.side, call.onward, media, publicAddress));
        call.onward = null;
        relay.signalled(call.session);
        if (answerer.tag == null) {
            answerer.tag = toTag;
            answerer.createdSeconds = nowSeconds();
        }
        call.lastSignalSeconds = nowSeconds();
        LOG.info("ng answer call {} from {}: {} leg {} ports {}/{}", call.callId, toTag, call.mode, offerer.side,
                call.session.rtpPort(offerer.side), call.session.rtcpPort(offerer.side));
        return Map.of("result", "ok", "sdp", sdp);
    }

    private Map<String, Object> delete(NgRequest request) throws NgError {
        NgCall call = call(request.string("call-id"));
        Map<String, Object> reply = CallReport.of(call, relay.stats(call.session));
        calls.remove(call.callId, call);
        relay.release(call.session);
        LOG.info("ng delete call {}", call.callId);
        return reply;
    }

    private Map<String, Object> query(NgRequest request) throws NgError {
        NgCall call = call(request.string("call-id"));
        return CallReport.of(call, relay.stats(call.session));
    }

    private NgCall allocate(String callId, RelayMode mode, PhoneMedia media) throws NgError {
        try {
            NgCall call = new NgCall(callId, mode, dtlsLegs == null
                    ? OfferAnswer.open(relay, callId, mode, OfferAnswer.Mux.DECLINED, media)
                    : OfferAnswer.open(relay, callId, mode, OfferAnswer.Mux.DECLINED, media, dtlsLegs),
                    nowSeconds());
            calls.put(callId, call);
            return call;
        } catch (SdpException e) {
            throw new NgError(e.getMessage());
        } catch (PortsExhaustedException e) {
            throw new NgError("Ran out of ports: " + e.getMessage());
        } catch (RelayException e) {
            throw new NgError(e.getMessage());
        }
    }

    /**
     * Whether the offer's {@code transport-protocol} asks the other phone be offered DTLS-SRTP, as
     * rtpengine is asked to bridge SDES to WebRTC. The hub bridges only the two ways it terminates: a
     * DTLS-SRTP offer goes on as {@code RTP/SAVP} (asked or not), an SDES one as {@code UDP/TLS/RTP/SAVPF}
     * when asked and the relay has its DTLS legs; any other change of profile is refused.
     */
    private boolean webRtcAsked(String asked, PhoneMedia media) throws NgError {
        String offered = media.medium().protocol();
        if (asked == null || asked.equals(offered) || media.dtls() != null && asked.equals("RTP/SAVP")) {
            return false;
        }
        if (media.dtls() == null && asked.equals(DtlsSdp.PROFILE) && dtlsLegs != null) {
            return true;
        }
        throw new NgError("the hub keeps the offered transport protocol " + offered + ", it does not change it to "
                + asked);
    }

    /**
     * A phone's SDP, refused in rtpengine's words when it is not SDP or has no SRTP audio; DTLS-SRTP
     * is taken in an offer when the relay was given its DTLS legs, and in the answer to the hub's
     * DTLS-SRTP offer ({@link OfferAnswer} refuses a re-offer that changes a leg's keying itself).
     */
    private static PhoneMedia phoneMedia(String body, boolean dtlsServed) throws NgError {
        try {
            return dtlsServed ? PhoneMedia.ofSdesOrDtls(body) : PhoneMedia.of(body);
        } catch (SrtpRequired e) {
            throw new NgError("SRTP is mandatory: " + e.getMessage());
        } catch (SdpException e) {
            throw new NgError("bad SDP: " + e.getMessage());
        }
    }

    /** A step of the offer/answer whose refusal says itself what is wrong. */
    private interface Step<T> {
        T run() throws SdpException;
    }

    private static <T> T refused(Step<T> step) throws NgError {
        try {
            return step.run();
        } catch (SdpException e) {
            throw new NgError(e.getMessage());
        }
    }

    private NgCall call(String callId) throws NgError {
        NgCall call = calls.get(callId);
        if (call == null) {
            throw new NgError("Unknown call-id");
        }
        return call;
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }
}
