package io.hub.sip.call;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.relay.LegStats;
import io.hub.relay.SessionStats;
import io.hub.relay.Side;
import io.hub.relay.StreamStats;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.sip.transport.Flow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call through the hub, a back-to-back user agent: the caller's dialog (A, the hub answering)
 * and the callee's (B, the hub calling), one INVITE per registered flow of the callee while it
 * rings. The hub answers and acknowledges each side itself, so it can end both legs on its own
 * (dead media, a lost phone, no ACK), and it rewrites every SDP so media goes through the relay.
 *
 * <p>Every method runs under the call's lock: messages from both phones and the timers meet here.
 */
final class Call {

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);
    /** Failures whose meaning needs headers the hub cannot pass on (a challenge, Allow, Min-SE …). */
    private static final Set<Integer> NOT_RELAYABLE = Set.of(401, 405, 407, 420, 421, 422, 423, 494);

    enum State { RINGING, ANSWERED, CONFIRMED, ENDED }

    /** One INVITE to one flow of the callee. */
    private static final class Fork {
        final Dialog dialog;
        final String requestUri;
        final String branch;
        final long cseq;
        boolean provisional;
        boolean cancelWanted;
        int status;
        CallTimers.Timer timer;

        Fork(Dialog dialog, String requestUri, String branch, long cseq) {
            this.dialog = dialog;
            this.requestUri = requestUri;
            this.branch = branch;
            this.cseq = cseq;
        }

        boolean done() {
            return status >= 200;
        }
    }

    /** A request one phone sent that waits for the other phone's answer. */
    private record Forwarded(Dialog from, SIPRequest request, Flow flow, boolean offer) {
    }

    final String id;
    final String caller;
    final String callee;
    private final CallRouter router;
    private final SIPRequest invite;
    private final String inviteBranch;
    private final Dialog a;
    private final List<Fork> forks = new ArrayList<>();
    private final CallMedia media;
    private final Instant startedAt;
    private final Set<Forwarded> waiting = new HashSet<>();
    private Dialog b;
    private State state = State.RINGING;
    private boolean ringingSent;
    private boolean byeForCallerAfterAck;
    /** The phone whose re-INVITE carried no offer: its answer comes in the ACK. */
    private Dialog answerInAck;
    private Instant answeredAt;
    private Instant endedAt;
    private EndCause cause;
    private int status;
    private Forwarded offerInFlight;
    private CallTimers.Timer ringTimer;
    private CallTimers.Timer ackTimer;
    private Map<String, Map<String, Object>> finalMedia = Map.of();

    /** @param caller the AOR registered on the caller's flow: the identity the callee is shown */
    Call(String id, CallRouter router, SIPRequest invite, Flow callerFlow, String caller, String callee,
            CallMedia media, Instant now) {
        this.id = id;
        this.router = router;
        this.invite = invite;
        this.inviteBranch = invite.getTopmostVia().getBranch();
        this.caller = caller;
        this.callee = callee;
        this.media = media;
        this.startedAt = now;
        Contact contact = invite.getContactHeader();
        this.a = new Dialog(this, Side.A, invite.getCallId().getCallId(), caller, address(invite.getTo()),
                Dialog.newTag(), address(invite.getFrom()), invite.getFrom().getTag(),
                contact.getAddress().getURI().toString(), callerFlow);
        a.remoteCseq = invite.getCSeq().getSeqNumber();
    }

    Dialog callerDialog() {
        return a;
    }

    /** The INVITE's Via branch, which its CANCEL must carry (RFC 3261 §9.2). */
    String inviteBranch() {
        return inviteBranch;
    }

    /**
     * Offers the call to the callee's flows, each with an offer (and a key) of its own.
     *
     * @param targets the callee's contacts with their live flows
     */
    synchronized void start(List<Target> targets) {
        router.send(a, Answers.answer(invite, 100, null, null, null));
        int maxForwards = invite.getMaxForwards() == null ? 70 : invite.getMaxForwards().getMaxForwards();
        // The callee sees the authenticated AOR, with the caller's display name at most.
        String display = invite.getFrom().getAddress().getDisplayName();
        String from = (display == null || display.isBlank() ? "" : "\"" + display.replaceAll("[\"\\\\\\r\\n]", "")
                + "\" ") + "<" + caller + ">";
        for (Target target : targets) {
            Dialog dialog = new Dialog(this, Side.B, "hub-" + Dialog.newTag() + Dialog.newTag(), callee,
                    from, Dialog.newTag(), a.localUri, null, target.contactUri(), target.flow());
            dialog.localCseq = 1;
            Fork fork = new Fork(dialog, target.contactUri(), Requests.branch(), 1);
            forks.add(fork);
            String request;
            try {
                String offer = media.offerForFork(dialog.callId, addressFor(target.flow()));
                request = Requests.build("INVITE", fork.requestUri, dialog, target.flow(), fork.cseq, fork.branch,
                        null, List.of(Requests.contact(target.flow()), "Max-Forwards: " + Math.max(0, maxForwards - 1),
                                "P-Asserted-Identity: <" + caller + ">", "Allow: " + Answers.ALLOW,
                                "Supported: outbound"),
                        "application/sdp", offer);
            } catch (SdpException | IllegalArgumentException e) {
                // A caller's value made an unsendable request: treated like a fork that failed.
                LOG.info("call {} fork to {} not sent: {}", id, LogText.of(target.contactUri()),
                        LogText.of(e.getMessage()));
                fork.status = 500;
                continue;
            }
            router.register(dialog);
            // Registered before sending, as the timer is: the answer may come back before send returns.
            dialog.pending.put(fork.branch, response -> forkAnswered(fork, response));
            fork.timer = router.schedule(this, router.settings().transactionTimeout(), () -> forkTimedOut(fork));
            if (!target.flow().send(request)) {
                cancelTimer(fork.timer);
                fork.status = 480;
            }
        }
        ringTimer = router.schedule(this, router.settings().ringTimeout(), this::ringTimedOut);
        failIfAllForksFailed();
    }

    // ---- the callee's answers to the INVITE

    private synchronized void forkAnswered(Fork fork, SIPResponse response) {
        int code = response.getStatusCode();
        if (response.getCSeq().getMethod().equals("CANCEL")) {
            return;
        }
        if (code < 200) {
            fork.provisional = true;
            cancelTimer(fork.timer);
            if (response.getTo().getTag() != null) {
                fork.dialog.remoteTag = response.getTo().getTag();
            }
            if (fork.cancelWanted) {
                sendCancel(fork);
            } else if (code > 100 && state == State.RINGING && !ringingSent) {
                ringingSent = true;
                router.send(a, Answers.answer(invite, 180, a.localTag, a.flow, null));
            }
            return;
        }
        cancelTimer(fork.timer);
        fork.dialog.pending.remove(fork.branch);
        fork.dialog.remoteTag = response.getTo().getTag();
        if (code >= 300) {
            fork.status = code;
            sendAck(fork, false);
            router.unregister(fork.dialog);
            if (state == State.RINGING) {
                if (code >= 600) {
                    cancelForks(fork);
                    fail(code, EndCause.ofFailure(code));
                } else {
                    failIfAllForksFailed();
                }
            }
            return;
        }
        fork.status = code;
        Contact contact = response.getContactHeader();
        fork.dialog.remoteTarget = contact == null ? fork.requestUri : contact.getAddress().getURI().toString();
        sendAck(fork, true);
        if (state != State.RINGING) {
            // Answered after the call was taken elsewhere, cancelled or ended: hang this one up.
            bye(fork.dialog);
            router.unregister(fork.dialog);
            return;
        }
        b = fork.dialog;
        cancelForks(fork);
        String answer;
        try {
            answer = media.answerFromFork(fork.dialog.callId, body(response), addressFor(a.flow));
        } catch (SdpException e) {
            LOG.info("call {} callee {} answered with unusable SDP: {}", id, callee, LogText.of(e.getMessage()));
            bye(b);
            fail(488, EndCause.SRTP_REQUIRED, Answers.warning(CallRefusal.BAD_SDP.code(), e.getMessage()));
            return;
        }
        cancelTimer(ringTimer);
        state = State.ANSWERED;
        answeredAt = router.now();
        status = 200;
        ackTimer = router.schedule(this, router.settings().transactionTimeout(), this::ackTimedOut);
        router.send(a, Answers.answer(invite, 200, a.localTag, a.flow, answer, "Allow: " + Answers.ALLOW));
        LOG.info("call {} answered {} -> {} on {}", id, caller, callee, b.flow);
    }

    private synchronized void forkTimedOut(Fork fork) {
        if (fork.done() || fork.provisional || state != State.RINGING) {
            return;
        }
        LOG.info("call {} fork to {} did not answer", id, LogText.of(fork.requestUri));
        fork.status = 408;
        fork.dialog.pending.remove(fork.branch);
        router.unregister(fork.dialog);
        failIfAllForksFailed();
    }

    private synchronized void ringTimedOut() {
        if (state != State.RINGING) {
            return;
        }
        cancelForks(null);
        fail(480, EndCause.NO_ANSWER);
    }

    private void failIfAllForksFailed() {
        if (state != State.RINGING || !forks.stream().allMatch(Fork::done)) {
            return;
        }
        int best = forks.stream().mapToInt(f -> f.status).map(Call::rank).min().orElse(rank(480));
        int chosen = forks.stream().mapToInt(f -> f.status).filter(s -> rank(s) == best).findFirst().orElse(480);
        int answer = (chosen >= 300 && chosen < 400) || NOT_RELAYABLE.contains(chosen) ? 480 : chosen;
        fail(answer, EndCause.ofFailure(answer));
    }

    /** Which failure the caller hears (lower is better): busy and decline first, then the rest. */
    private static int rank(int status) {
        if (status >= 600) {
            return 0;
        }
        if (status == 486) {
            return 1;
        }
        return status >= 400 && status < 500 ? 2 : 3;
    }

    private void fail(int code, EndCause why, String... headers) {
        // Ended (ports released) before the caller hears it, so a caller that retries at once finds them free.
        end(why, code);
        router.send(a, Answers.answer(invite, code, a.localTag, a.flow, null, headers));
    }

    // ---- requests from the phones

    /** CANCEL from the caller, for the INVITE of this call (the router checked its branch). */
    synchronized void cancel(SIPRequest request, Flow flow) {
        router.sendOn(flow, Answers.answer(request, 200, null, null, null));
        if (state != State.RINGING) {
            return;
        }
        cancelForks(null);
        fail(487, EndCause.CANCELLED);
    }

    /** A request inside one of the call's dialogs. */
    synchronized void inDialog(Dialog dialog, SIPRequest request, Flow flow) {
        String method = request.getMethod();
        if (method.equals("ACK")) {
            acknowledged(dialog, request);
            return;
        }
        if (dialog != a && dialog != b) {
            router.refuse(CallRefusal.NO_DIALOG, request, flow, dialog.aor, "that phone's dialog was not answered");
            return;
        }
        long cseq = request.getCSeq().getSeqNumber();
        if (cseq <= dialog.remoteCseq) {
            router.refuse(CallRefusal.CSEQ_OUT_OF_ORDER, request, flow, dialog.aor,
                    "CSeq " + cseq + " is not above " + dialog.remoteCseq);
            return;
        }
        dialog.remoteCseq = cseq;
        dialog.flow = flow;
        if (method.equals("INVITE") && request.getContactHeader() != null) {
            dialog.remoteTarget = request.getContactHeader().getAddress().getURI().toString();
        }
        switch (method) {
            case "BYE" -> hungUp(dialog, request, flow);
            case "OPTIONS" -> router.sendOn(flow, Answers.answer(request, 200, null, null, null,
                    "Allow: " + Answers.ALLOW, "Accept: application/sdp"));
            case "INVITE", "UPDATE" -> reoffer(dialog, request, flow);
            case "INFO", "MESSAGE" -> forward(dialog, request, flow);
            default -> router.refuse(CallRefusal.NOT_IMPLEMENTED, request, flow, dialog.aor,
                    request.getMethod() + " is not served inside a call");
        }
    }

    private void acknowledged(Dialog dialog, SIPRequest ack) {
        if (dialog == a && state == State.ANSWERED) {
            state = State.CONFIRMED;
            cancelTimer(ackTimer);
            if (byeForCallerAfterAck) {
                bye(a);
                end(EndCause.CALLEE_HUNG_UP, status);
                return;
            }
        }
        if (dialog == answerInAck) {
            answerInAck = null;
            String sdp = body(ack);
            if (sdp != null) {
                try {
                    media.answerInAck(dialog.side, sdp);
                } catch (SdpException e) {
                    LOG.info("call {} {} answered the hub's offer in its ACK with unusable SDP: {}", id, dialog,
                            LogText.of(e.getMessage()));
                    hangUp(EndCause.REFUSED);
                }
            }
        }
    }

    private void hungUp(Dialog dialog, SIPRequest request, Flow flow) {
        router.sendOn(flow, Answers.answer(request, 200, null, null, null));
        if (dialog == a && state == State.RINGING) {
            cancelForks(null);
            fail(487, EndCause.CALLER_HUNG_UP);
            return;
        }
        if (dialog == b && state == State.ANSWERED) {
            // The caller has not acknowledged its 200 yet; a BYE may not overtake it (RFC 3261 §15).
            byeForCallerAfterAck = true;
            return;
        }
        Dialog other = dialog == a ? b : a;
        if (other != null) {
            bye(other);
        }
        end(dialog == a ? EndCause.CALLER_HUNG_UP : EndCause.CALLEE_HUNG_UP, status);
    }

    /** A re-INVITE or UPDATE: hold, resume, new keys or codecs. */
    private void reoffer(Dialog from, SIPRequest request, Flow flow) {
        boolean update = request.getMethod().equals("UPDATE");
        if (state != State.CONFIRMED && !(state == State.ANSWERED && update)) {
            if (state == State.ANSWERED) {
                router.refuse(CallRefusal.OFFER_PENDING, request, flow, from.aor, "the call's answer awaits its ACK");
            } else {
                router.refuse(CallRefusal.NOT_ANSWERED, request, flow, from.aor, "the call is not answered");
            }
            return;
        }
        if (offerInFlight != null || answerInAck != null) {
            router.refuse(CallRefusal.OFFER_PENDING, request, flow, from.aor, "another offer is open");
            return;
        }
        String sdp = body(request);
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
        Dialog to = from == a ? b : a;
        String offer;
        try {
            offer = media.offer(from.side, sdp, addressFor(to.flow));
        } catch (SrtpRequired e) {
            router.refuse(CallRefusal.SRTP_REQUIRED, request, flow, from.aor, "SRTP is mandatory: " + e.getMessage());
            return;
        } catch (SdpException | IllegalArgumentException e) {
            router.refuse(CallRefusal.BAD_SDP, request, flow, from.aor, e.getMessage());
            return;
        }
        Forwarded origin = new Forwarded(from, request, flow, true);
        offerInFlight = origin;
        sendInDialog(to, request.getMethod(), offer, "application/sdp", origin);
    }

    /** INFO (DTMF) and MESSAGE go to the other phone; its answer comes back. */
    private void forward(Dialog from, SIPRequest request, Flow flow) {
        Dialog to = from == a ? b : a;
        if (to == null) {
            // INFO in the early dialog, before anyone answered: nobody to give it to yet.
            router.refuse(CallRefusal.NOT_ANSWERED, request, flow, from.aor, "nobody answered the call yet");
            return;
        }
        String type = request.getContentTypeHeader() == null ? null
                : request.getContentTypeHeader().getContentType() + "/" + request.getContentTypeHeader().getContentSubType();
        sendInDialog(to, request.getMethod(), body(request), type, new Forwarded(from, request, flow, false));
    }

    private void sendInDialog(Dialog to, String method, String body, String contentType, Forwarded origin) {
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
                LOG.info("call {} {} to {} not sent: {}", id, method, to, LogText.of(e.getMessage()));
            }
        }
        if (request == null) {
            answerOrigin(origin, 480, null);
            return;
        }
        // Registered before sending: the answer may come back before send returns.
        to.localCseq = cseq;
        waiting.add(origin);
        to.pending.put(branch, response -> forwardedAnswered(to, method, cseq, branch, origin, response));
        if (!flow.send(request)) {
            to.pending.remove(branch);
            answerOrigin(origin, 480, null);
            return;
        }
        router.schedule(this, router.settings().transactionTimeout(), () -> forwardedTimedOut(to, branch, origin));
    }

    private synchronized void forwardedAnswered(Dialog to, String method, long cseq, String branch, Forwarded origin,
            SIPResponse response) {
        int code = response.getStatusCode();
        if (code < 200) {
            return;
        }
        to.pending.remove(branch);
        if (code < 300 && response.getContactHeader() != null) {
            to.remoteTarget = response.getContactHeader().getAddress().getURI().toString();
        }
        if (method.equals("INVITE")) {
            ackInDialog(to, cseq, code < 300 ? Requests.branch() : branch, code < 300 ? null : response);
        }
        if (state == State.ENDED || !waiting.contains(origin)) {
            return;
        }
        String answer = null;
        boolean unusable = false;
        if (code < 300 && origin.offer()) {
            try {
                answer = media.answer(to.side, body(response), addressFor(origin.flow()));
            } catch (SdpException e) {
                LOG.info("call {} {} answered a re-offer with unusable SDP: {}", id, to,
                        LogText.of(e.getMessage()));
                unusable = true;
            }
        } else if (origin.offer()) {
            media.offerFailed();
        }
        if (unusable) {
            // The phone took the re-offer and the hub cannot follow it: the two phones no longer
            // agree on the media, so the call ends rather than going on one-way.
            answerOrigin(origin, 488, null);
            hangUp(EndCause.REFUSED);
            return;
        }
        answerOrigin(origin, NOT_RELAYABLE.contains(code) ? 500 : code, answer);
        if (code == 481 || code == 408) {
            // RFC 3261 §12.2.1.2: the dialog is gone on that side; the call with it.
            hangUp(EndCause.PHONE_GONE);
        }
    }

    private synchronized void forwardedTimedOut(Dialog to, String branch, Forwarded origin) {
        if (to.pending.remove(branch) == null || state == State.ENDED) {
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

    // ---- the hub ending things on its own

    /** Ends the call from the hub's side: media died, a phone is gone, or the hub stops. */
    synchronized void hangUp(EndCause why) {
        if (state == State.ENDED) {
            return;
        }
        LOG.info("call {} hung up by the hub: {}", id, why.code());
        if (state == State.RINGING) {
            cancelForks(null);
            fail(why == EndCause.HUB_STOPPED ? 503 : 480, why);
            return;
        }
        bye(a);
        if (b != null) {
            bye(b);
        }
        end(why, status);
    }

    /** A flow closed; the call cares while it rings (a callee's fork fails, or the caller is gone). */
    synchronized void flowClosed(Flow flow) {
        if (state != State.RINGING || forks.isEmpty()) {
            return;
        }
        if (a.flow == flow) {
            cancelForks(null);
            end(EndCause.PHONE_GONE, 0);
            return;
        }
        for (Fork fork : forks) {
            if (!fork.done() && fork.dialog.flow == flow) {
                fork.status = 480;
                cancelTimer(fork.timer);
                router.unregister(fork.dialog);
            }
        }
        failIfAllForksFailed();
    }

    private synchronized void ackTimedOut() {
        if (state == State.ANSWERED) {
            LOG.info("call {} got no ACK from {}", id, caller);
            bye(a);
            if (!byeForCallerAfterAck) {
                bye(b);
            }
            end(EndCause.NO_ACK, status);
        }
    }

    private void cancelForks(Fork except) {
        for (Fork fork : forks) {
            if (fork != except && !fork.done() && !fork.cancelWanted) {
                fork.cancelWanted = true;
                if (fork.provisional) {
                    sendCancel(fork);
                }
                // Without a provisional answer a CANCEL may not be sent (RFC 3261 §9.1): it goes
                // when one comes, and a 200 after that is hung up with a BYE.
            }
        }
    }

    private void sendCancel(Fork fork) {
        String cancel = Requests.build("CANCEL", fork.requestUri, fork.dialog, fork.dialog.flow, fork.cseq,
                fork.branch, null, List.of(), null, null);
        router.sendOn(fork.dialog.flow, cancel);
    }

    private void sendAck(Fork fork, boolean success) {
        Flow flow = fork.dialog.flow;
        String ack = Requests.build("ACK", success ? fork.dialog.remoteTarget : fork.requestUri, fork.dialog, flow,
                fork.cseq, success ? Requests.branch() : fork.branch, fork.dialog.remoteTag, List.of(), null, null);
        router.sendOn(flow, ack);
    }

    private void ackInDialog(Dialog dialog, long cseq, String branch, SIPResponse failure) {
        Flow flow = router.flowFor(dialog);
        if (flow == null) {
            return;
        }
        router.sendOn(flow, Requests.build("ACK", dialog.remoteTarget, dialog, flow, cseq, branch,
                failure == null ? dialog.remoteTag : failure.getTo().getTag(), List.of(), null, null));
    }

    private void bye(Dialog dialog) {
        Flow flow = router.flowFor(dialog);
        if (flow == null || dialog.remoteTarget == null) {
            return;
        }
        try {
            flow.send(Requests.build("BYE", dialog.remoteTarget, dialog, flow, ++dialog.localCseq, Requests.branch(),
                    dialog.remoteTag, List.of(), null, null));
        } catch (IllegalArgumentException e) {
            LOG.info("call {} BYE to {} not sent: {}", id, dialog, LogText.of(e.getMessage()));
        }
    }

    private void end(EndCause why, int finalStatus) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        cause = why;
        if (status == 0) {
            status = finalStatus;
        }
        endedAt = router.now();
        try {
            // Requests still waiting for the other phone get their final answer now (RFC 3261 §15.1.2).
            for (Forwarded origin : List.copyOf(waiting)) {
                answerOrigin(origin, 487, null);
            }
            cancelTimer(ringTimer);
            cancelTimer(ackTimer);
            forks.forEach(fork -> cancelTimer(fork.timer));
            finalMedia = mediaSummary();
            media.release();
        } catch (RuntimeException e) {
            LOG.warn("call {} did not end cleanly: {}", id, e.getMessage());
        } finally {
            router.ended(this);
        }
    }

    // ---- what admins see

    synchronized CallRecord record() {
        return new CallRecord(id, caller, callee, startedAt, answeredAt, endedAt, cause, status,
                state == State.ENDED ? finalMedia : mediaSummary());
    }

    private Map<String, Map<String, Object>> mediaSummary() {
        SessionStats stats = media.stats();
        if (stats == null) {
            return Map.of();
        }
        Map<String, Map<String, Object>> legs = new LinkedHashMap<>();
        legs.put("caller", leg(stats.a()));
        legs.put("callee", leg(stats.b()));
        return legs;
    }

    private static Map<String, Object> leg(LegStats leg) {
        StreamStats received = leg.received();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("relayPort", leg.rtpPort());
        figures.put("packetsReceived", received.packets());
        figures.put("bytesReceived", received.bytes());
        figures.put("packetsSent", leg.packetsSent());
        figures.put("lost", received.lost());
        figures.put("jitterMs", Math.round(received.jitterMillis() * 100) / 100.0);
        figures.put("dropped", received.droppedTotal());
        figures.put("authFailures", received.dropped(io.hub.relay.DropReason.AUTH_FAILED));
        figures.put("latched", received.latchedRtp() == null ? null : received.latchedRtp().toString());
        figures.put("qualityBreached", received.breaksQualityBounds());
        return figures;
    }

    // ---- helpers

    /**
     * The relay address a phone on {@code flow} sends media to: the configured one, else where it
     * reached the hub (known even after the flow closed).
     */
    private String addressFor(Flow flow) {
        String configured = router.settings().mediaAddress();
        return configured != null ? configured : flow.local().getAddress().getHostAddress();
    }

    static String body(gov.nist.javax.sip.message.SIPMessage message) {
        byte[] raw = message.getRawContent();
        return raw == null || raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8);
    }

    private static String address(javax.sip.header.HeaderAddress header) {
        return ((gov.nist.javax.sip.address.AddressImpl) header.getAddress()).encode();
    }

    private static void cancelTimer(CallTimers.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** A callee contact with the flow it is reached on. */
    record Target(String contactUri, Flow flow) {
    }
}
