package io.hub.relay.control;

import io.hub.relay.DeadStream;
import io.hub.relay.HubKeys;
import io.hub.relay.LegSpec;
import io.hub.relay.MediaRelay;
import io.hub.relay.PortsExhaustedException;
import io.hub.relay.RelayException;
import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.MediaPlan;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ng commands applied to a {@link MediaRelay}: {@code ping}, {@code offer}, {@code answer},
 * {@code delete} and {@code query}, keyed by Call-ID and SIP tags as rtpengine keys them.
 *
 * <p>An offer from one phone allocates (or, for a known call, updates) that phone's leg and returns
 * its SDP rewritten by the SDP rules of the hub ({@link MediaPlan}) for the other phone: the relay's
 * address and ports, ICE removed, further media refused, and in termination the hub's own keys. The
 * answer does the same the other way. rtcp-mux is declined on both legs (RFC 5761 lets an answerer
 * decline it), so every leg is an even/odd port pair and a phone that offered it falls back to a
 * separate RTCP port. A re-offer may come from either phone, and keeps a call's mode; its hub keys
 * follow {@link HubKeys}, the rule the B2BUA follows too. Each offer
 * and answer counts as activity for the dead-stream timeout, so a long ring does not end a call.
 *
 * <p>Called by one control thread; only {@link #ended} comes from the relay's I/O thread, and it
 * only takes a call out of the table.
 */
final class RelayCalls {

    private static final Logger LOG = LoggerFactory.getLogger(RelayCalls.class);
    private static final LegSpec UNKNOWN_YET = new LegSpec(false, null, null, null, null);

    private final MediaRelay relay;
    private final String publicAddress;
    private final Clock clock;
    private final Map<String, NgCall> calls = new ConcurrentHashMap<>();

    RelayCalls(MediaRelay relay, String publicAddress, Clock clock) {
        this.relay = relay;
        this.publicAddress = publicAddress;
        this.clock = clock;
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

    int size() {
        return calls.size();
    }

    /** A leg went silent: the call is over, as rtpengine ends a call after its timeout. */
    void ended(DeadStream event) {
        String callId = event.session().callId();
        NgCall call = calls.get(callId);
        if (call != null && call.session == event.session() && calls.remove(callId, call)) {
            LOG.info("ng call {} deleted: leg {} silent for {}s", callId, event.silentLeg(), event.timeout().toSeconds());
        }
        relay.release(event.session());
    }

    private Map<String, Object> offer(NgRequest request) throws NgError {
        String callId = request.string("call-id");
        String fromTag = request.string("from-tag");
        PhoneMedia media = PhoneMedia.of(request.string("sdp"));
        SdesOptions options = SdesOptions.of(request);
        if (options.transportProtocol() != null && !options.transportProtocol().equals(media.medium().protocol())) {
            throw new NgError("the hub keeps the offered transport protocol " + media.medium().protocol()
                    + ", it does not change it to " + options.transportProtocol());
        }
        // Everything the offer could be refused for is checked before a port is taken.
        SdesKey phoneKey = options.mode() == RelayMode.TERMINATION ? media.key() : null;
        List<SrtpSuite> suites = phoneKey == null ? List.of() : options.suitesOnward(phoneKey.suite());
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
            checkSameCall(call, options.mode(), media);
        }
        NgCall.Party receiver = call.party(offerer.side.other());
        List<String> crypto = null;
        if (phoneKey != null) {
            // One rule with the B2BUA (HubKeys): the offerer's hub key carries the other phone's
            // packets, which did not change; the receiver's carries the offerer's, new if it rekeyed.
            boolean rekeyed = HubKeys.rekeyed(offerer.phoneKey, phoneKey);
            offerer.hubKey = HubKeys.forLeg(offerer.hubKey, phoneKey.suite(), false);
            offerer.phoneKey = phoneKey;
            List<SdesKey> onward = new ArrayList<>();
            crypto = new ArrayList<>();
            for (SrtpSuite suite : suites) {
                SdesKey key = HubKeys.forLeg(receiver.hubKey, suite, rekeyed);
                onward.add(key);
                crypto.add(key.cryptoAttribute(onward.size()));
            }
            receiver.offeredKeys = List.copyOf(onward);
        }
        relay.update(call.session, offerer.side, new LegSpec(false, media.rtp(), media.rtcp(), phoneKey, offerer.hubKey));
        relay.signalled(call.session);
        offerer.media = media;
        call.pendingOfferer = offerer.side;
        call.lastSignalSeconds = nowSeconds();
        LOG.info("ng offer call {} from {}: {} leg {} ports {}/{}", callId, fromTag, call.mode, receiver.side,
                call.session.rtpPort(receiver.side), call.session.rtcpPort(receiver.side));
        return Map.of("result", "ok", "sdp", rewrite(media, call, receiver.side, crypto));
    }

    private Map<String, Object> answer(NgRequest request) throws NgError {
        NgCall call = call(request.string("call-id"));
        String fromTag = request.string("from-tag");
        String toTag = request.string("to-tag");
        NgCall.Party offerer = call.byTag(fromTag);
        if (offerer == null || call.pendingOfferer != offerer.side) {
            throw new NgError("no offer from tag " + fromTag + " awaits an answer in call " + call.callId);
        }
        NgCall.Party answerer = call.party(offerer.side.other());
        if (answerer.tag != null && !answerer.tag.equals(toTag)) {
            throw new NgError("to-tag " + toTag + " is not the call's other side (" + answerer.tag
                    + "); forked answers are not relayed");
        }
        PhoneMedia media = PhoneMedia.of(request.string("sdp"));
        if (media.index() != call.mediaIndex) {
            throw new NgError("the answer relays m-line " + (media.index() + 1) + ", the offer m-line "
                    + (call.mediaIndex + 1));
        }
        List<String> crypto = null;
        SdesKey phoneKey = null;
        if (call.mode == RelayMode.TERMINATION) {
            int tag = media.crypto().tag();
            if (tag < 1 || tag > answerer.offeredKeys.size()
                    || answerer.offeredKeys.get(tag - 1).suite() != media.suite()) {
                throw new NgError("the answer's a=crypto " + tag + " " + media.crypto().suite() + " was not offered");
            }
            phoneKey = media.key();
            answerer.hubKey = answerer.offeredKeys.get(tag - 1);
            SdesKey offererKey = HubKeys.forLeg(offerer.hubKey, offerer.hubKey.suite(),
                    HubKeys.rekeyed(answerer.phoneKey, phoneKey));
            answerer.phoneKey = phoneKey;
            if (!offererKey.equals(offerer.hubKey)) {
                offerer.hubKey = offererKey;
                relay.update(call.session, offerer.side, new LegSpec(false, offerer.media.rtp(), offerer.media.rtcp(),
                        offerer.phoneKey, offerer.hubKey));
            }
            crypto = List.of(offerer.hubKey.cryptoAttribute(offerer.media.crypto().tag()));
        }
        relay.update(call.session, answerer.side, new LegSpec(false, media.rtp(), media.rtcp(), phoneKey, answerer.hubKey));
        relay.signalled(call.session);
        if (answerer.tag == null) {
            answerer.tag = toTag;
            answerer.createdSeconds = nowSeconds();
        }
        answerer.media = media;
        call.pendingOfferer = null;
        call.lastSignalSeconds = nowSeconds();
        LOG.info("ng answer call {} from {}: {} leg {} ports {}/{}", call.callId, toTag, call.mode, offerer.side,
                call.session.rtpPort(offerer.side), call.session.rtcpPort(offerer.side));
        return Map.of("result", "ok", "sdp", rewrite(media, call, offerer.side, crypto));
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
            RelaySession session = relay.allocate(callId, mode, UNKNOWN_YET, UNKNOWN_YET);
            NgCall call = new NgCall(callId, mode, session, media.index(), nowSeconds());
            calls.put(callId, call);
            return call;
        } catch (PortsExhaustedException e) {
            throw new NgError("Ran out of ports: " + e.getMessage());
        } catch (RelayException e) {
            throw new NgError(e.getMessage());
        }
    }

    private static void checkSameCall(NgCall call, RelayMode mode, PhoneMedia media) throws NgError {
        if (mode != call.mode) {
            throw new NgError("call " + call.callId + " is relayed in " + call.mode + " mode; a re-offer cannot change it to "
                    + mode);
        }
        if (media.index() != call.mediaIndex) {
            throw new NgError("call " + call.callId + " relays m-line " + (call.mediaIndex + 1) + ", the re-offer m-line "
                    + (media.index() + 1));
        }
    }

    private NgCall call(String callId) throws NgError {
        NgCall call = calls.get(callId);
        if (call == null) {
            throw new NgError("Unknown call-id");
        }
        return call;
    }

    /** The phone's SDP as the other phone is to see it: the relay's side facing {@code toward}. */
    private String rewrite(PhoneMedia media, NgCall call, Side toward, List<String> crypto) {
        media.medium().flag("rtcp-mux", false);
        Map<Integer, MediaPlan.Endpoint> endpoints = new LinkedHashMap<>();
        endpoints.put(media.index(), new MediaPlan.Endpoint(call.session.rtpPort(toward),
                call.session.rtcpPort(toward), crypto));
        return MediaPlan.rewrite(media.sdp(), publicAddress, endpoints).encode();
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }
}
