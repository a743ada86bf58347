package io.hub.sip.call;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.sip.transport.Flow;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge between an answered call's two dialogs: a re-INVITE or UPDATE (hold, resume, new keys
 * or codecs) and INFO or MESSAGE from one phone go to the other in the hub's own dialog with it,
 * and the other phone's answer comes back as the answer to the first. Offers go through the call's
 * media, so each phone only ever sees the relay; one offer is open at a time, and a re-INVITE
 * without an offer gets the hub's last SDP, answered in the ACK.
 *
 * <p>Runs under the call's lock: the answers and timers it registers take it first.
 */
final class DialogBridge {

    private static final Logger LOG = LoggerFactory.getLogger(DialogBridge.class);

    /** A request one phone sent that waits for the other phone's answer. */
    private record Forwarded(Dialog from, SIPRequest request, Flow flow, boolean offer) {
    }

    private final Call call;
    private final CallRouter router;
    private final CallMedia media;
    private final Set<Forwarded> waiting = new HashSet<>();
    private Forwarded offerInFlight;
    /** The phone whose re-INVITE carried no offer: its answer comes in the ACK. */
    private Dialog answerInAck;

    DialogBridge(Call call, CallRouter router, CallMedia media) {
        this.call = call;
        this.router = router;
        this.media = media;
    }

    /** A re-INVITE or UPDATE from {@code from}, for {@code to}; the call checked it may be made now. */
    void reoffer(Dialog from, Dialog to, SIPRequest request, Flow flow) {
        boolean update = request.getMethod().equals("UPDATE");
        if (offerInFlight != null || answerInAck != null) {
            router.refuse(CallRefusal.OFFER_PENDING, request, flow, from.aor, "another offer is open");
            return;
        }
        String sdp = Requests.body(request);
        if (sdp == null) {
            if (update) {
                // A session refresh (RFC 4028) without an offer: nothing changes.
                router.sendOn(flow, Answers.answer(request, 200, null, flow, null));
            } else {
                // A re-INVITE without an offer: the hub offers what it last sent, the answer comes in the ACK.
                answerInAck = from;
                router.sendOn(flow, Answers.answer(request, 200, null, flow, media.lastSentTo(from.side),
                        "Allow: " + Answers.ALLOW));
            }
            return;
        }
        String offer;
        try {
            offer = media.offer(from.side, sdp, router.mediaAddress(to.flow));
        } catch (SrtpRequired e) {
            router.refuse(CallRefusal.SRTP_REQUIRED, request, flow, from.aor, "SRTP is mandatory: " + e.getMessage());
            return;
        } catch (SdpException | IllegalArgumentException e) {
            router.refuse(CallRefusal.BAD_SDP, request, flow, from.aor, e.getMessage());
            return;
        }
        Forwarded origin = new Forwarded(from, request, flow, true);
        offerInFlight = origin;
        send(to, request.getMethod(), offer, "application/sdp", origin);
    }

    /** INFO (DTMF) or MESSAGE from {@code from}, for {@code to}; its answer comes back. */
    void forward(Dialog from, Dialog to, SIPRequest request, Flow flow) {
        String type = request.getContentTypeHeader() == null ? null
                : request.getContentTypeHeader().getContentType() + "/" + request.getContentTypeHeader().getContentSubType();
        send(to, request.getMethod(), Requests.body(request), type, new Forwarded(from, request, flow, false));
    }

    /** An ACK in {@code dialog}: when it answers the hub's offer of a re-INVITE without one, the media takes it. */
    void acknowledged(Dialog dialog, SIPRequest ack) {
        if (dialog != answerInAck) {
            return;
        }
        answerInAck = null;
        String sdp = Requests.body(ack);
        if (sdp != null) {
            try {
                media.answerInAck(dialog.side, sdp);
            } catch (SdpException e) {
                LOG.info("call {} {} answered the hub's offer in its ACK with unusable SDP: {}", call.id, dialog,
                        LogText.of(e.getMessage()));
                call.hangUp(EndCause.REFUSED);
            }
        }
    }

    /** The call ended: requests still waiting for the other phone get their final answer (RFC 3261 §15.1.2). */
    void ended() {
        for (Forwarded origin : List.copyOf(waiting)) {
            answerOrigin(origin, 487, null);
        }
    }

    private void send(Dialog to, String method, String body, String contentType, Forwarded origin) {
        Flow flow = router.flowFor(to);
        String request = null;
        String branch = Requests.branch();
        long cseq = to.localCseq + 1;
        if (flow != null && to.remoteTarget != null) {
            List<String> headers = method.equals("INVITE") || method.equals("UPDATE")
                    ? List.of(Requests.contact(flow), "Allow: " + Answers.ALLOW) : List.of();
            try {
                request = Requests.build(method, to.remoteTarget, to, flow, cseq, branch, to.remoteTag, headers,
                        contentType, body);
            } catch (IllegalArgumentException e) {
                LOG.info("call {} {} to {} not sent: {}", call.id, method, to, LogText.of(e.getMessage()));
            }
        }
        if (request == null) {
            answerOrigin(origin, 480, null);
            return;
        }
        // Registered before sending: the answer may come back before send returns.
        to.localCseq = cseq;
        waiting.add(origin);
        to.pending.put(branch, response -> {
            synchronized (call) {
                answered(to, method, cseq, branch, origin, response);
            }
        });
        if (!flow.send(request)) {
            to.pending.remove(branch);
            answerOrigin(origin, 480, null);
            return;
        }
        router.schedule(call, router.settings().transactionTimeout(), () -> {
            synchronized (call) {
                timedOut(to, branch, origin);
            }
        });
    }

    private void answered(Dialog to, String method, long cseq, String branch, Forwarded origin, SIPResponse response) {
        int code = response.getStatusCode();
        if (code < 200) {
            return;
        }
        to.pending.remove(branch);
        if (code < 300 && response.getContactHeader() != null) {
            to.remoteTarget = response.getContactHeader().getAddress().getURI().toString();
        }
        if (method.equals("INVITE")) {
            ack(to, cseq, code < 300 ? Requests.branch() : branch, code < 300 ? null : response);
        }
        if (call.isEnded() || !waiting.contains(origin)) {
            return;
        }
        String answer = null;
        if (code < 300 && origin.offer()) {
            try {
                answer = media.answer(to.side, Requests.body(response), router.mediaAddress(origin.flow()));
            } catch (SdpException e) {
                LOG.info("call {} {} answered a re-offer with unusable SDP: {}", call.id, to,
                        LogText.of(e.getMessage()));
                // The phone took the re-offer and the hub cannot follow it: the two phones no longer
                // agree on the media, so the call ends rather than going on one-way.
                answerOrigin(origin, 488, null);
                call.hangUp(EndCause.REFUSED);
                return;
            }
        } else if (origin.offer()) {
            media.offerFailed();
        }
        answerOrigin(origin, Answers.NOT_RELAYABLE.contains(code) ? 500 : code, answer);
        if (code == 481 || code == 408) {
            // RFC 3261 §12.2.1.2: the dialog is gone on that side; the call with it.
            call.hangUp(EndCause.PHONE_GONE);
        }
    }

    private void timedOut(Dialog to, String branch, Forwarded origin) {
        if (to.pending.remove(branch) == null || call.isEnded()) {
            return;
        }
        if (origin.offer()) {
            media.offerFailed();
        }
        answerOrigin(origin, 408, null);
    }

    private void answerOrigin(Forwarded origin, int code, String sdp) {
        waiting.remove(origin);
        if (origin == offerInFlight) {
            offerInFlight = null;
        }
        String[] headers = code < 300 && origin.request().getMethod().equals("INVITE")
                ? new String[] {"Allow: " + Answers.ALLOW} : new String[0];
        router.sendOn(origin.flow(), Answers.answer(origin.request(), code, null, origin.flow(), sdp, headers));
    }

    private void ack(Dialog dialog, long cseq, String branch, SIPResponse failure) {
        Flow flow = router.flowFor(dialog);
        if (flow == null) {
            return;
        }
        router.sendOn(flow, Requests.build("ACK", dialog.remoteTarget, dialog, flow, cseq, branch,
                failure == null ? dialog.remoteTag : failure.getTo().getTag(), List.of(), null, null));
    }
}
