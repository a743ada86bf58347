package io.hub.sip.call;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.relay.Side;
import io.hub.relay.sdp.SdpException;
import io.hub.sip.SipTags;
import io.hub.sip.refusal.RefusalAnswer;
import io.hub.sip.transport.Flow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call through the hub, a back-to-back user agent: the caller's dialog (A, the hub answering)
 * and the callee's (B, the hub calling). The hub answers and acknowledges each side itself, so it
 * can end both legs on its own (dead media, a lost phone, no ACK), and it rewrites every SDP so
 * media goes through the relay ({@link CallMedia}). The call keeps the state from ringing to ended;
 * ringing the callee's flows is {@link CalleeForks}' job, relaying requests between the answered
 * dialogs {@link DialogBridge}'s.
 *
 * <p>Every method runs under the call's lock: messages from both phones and the timers meet here.
 */
final class Call {

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);

    enum State { RINGING, ANSWERED, CONFIRMED, ENDED }

    final String id;
    final String caller;
    final String callee;
    private final CallRouter router;
    private final SIPRequest invite;
    private final String inviteBranch;
    private final Dialog a;
    private final CalleeForks forks;
    private final DialogBridge bridge;
    private final CallMedia media;
    private final Instant startedAt;
    private Dialog b;
    private State state = State.RINGING;
    private boolean ringingSent;
    private boolean byeForCallerAfterAck;
    private Instant answeredAt;
    private Instant endedAt;
    private EndCause cause;
    private int status;
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
        this.forks = new CalleeForks(this, router, media);
        this.bridge = new DialogBridge(this, router, media);
        Contact contact = invite.getContactHeader();
        this.a = new Dialog(this, Side.A, invite.getCallId().getCallId(), caller, address(invite.getTo()),
                SipTags.newTag(), address(invite.getFrom()), invite.getFrom().getTag(),
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
        forks.ring(targets, a, CalleeForks.from(invite, caller), maxForwards);
        ringTimer = router.schedule(this, router.settings().ringTimeout(), this::ringTimedOut);
        failIfAllForksFailed();
    }

    boolean isRinging() {
        return state == State.RINGING;
    }

    boolean isEnded() {
        return state == State.ENDED;
    }

    // ---- what the callee's forks report

    /** A fork rings: the caller hears 180 once. */
    void calleeRinging() {
        if (state == State.RINGING && !ringingSent) {
            ringingSent = true;
            router.send(a, Answers.answer(invite, 180, a.localTag, a.flow, null));
        }
    }

    /** The first 2xx of a fork, while ringing (the other forks are being cancelled): the caller gets its 200. */
    void calleeAnswered(Dialog dialog, SIPResponse response) {
        b = dialog;
        String answer;
        try {
            answer = media.answerFromFork(dialog.callId, Requests.body(response), router.mediaAddress(a.flow));
        } catch (SdpException e) {
            LOG.info("call {} callee {} answered with unusable SDP: {}", id, callee, LogText.of(e.getMessage()));
            bye(b);
            fail(488, EndCause.SRTP_REQUIRED, RefusalAnswer.warning(CallRefusal.BAD_SDP.code(), e.getMessage()));
            return;
        }
        CallTimers.cancel(ringTimer);
        state = State.ANSWERED;
        answeredAt = router.now();
        status = 200;
        ackTimer = router.schedule(this, router.settings().transactionTimeout(), this::ackTimedOut);
        router.send(a, Answers.answer(invite, 200, a.localTag, a.flow, answer, "Allow: " + Answers.ALLOW));
        LOG.info("call {} answered {} -> {} on {}", id, caller, callee, b.flow);
    }

    /** A fork failed with {@code code}: a 6xx ends the ringing at once, else the last failure does. */
    void forkFailed(int code) {
        if (state != State.RINGING) {
            return;
        }
        if (code >= 600) {
            forks.cancelAll();
            fail(code, EndCause.ofFailure(code));
        } else {
            failIfAllForksFailed();
        }
    }

    private synchronized void ringTimedOut() {
        if (state != State.RINGING) {
            return;
        }
        forks.cancelAll();
        fail(480, EndCause.NO_ANSWER);
    }

    private void failIfAllForksFailed() {
        if (state == State.RINGING && forks.allFailed()) {
            int answer = forks.failureForCaller();
            fail(answer, EndCause.ofFailure(answer));
        }
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
        forks.cancelAll();
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
            CallTimers.cancel(ackTimer);
            if (byeForCallerAfterAck) {
                bye(a);
                end(EndCause.CALLEE_HUNG_UP, status);
                return;
            }
        }
        bridge.acknowledged(dialog, ack);
    }

    private void hungUp(Dialog dialog, SIPRequest request, Flow flow) {
        router.sendOn(flow, Answers.answer(request, 200, null, null, null));
        if (dialog == a && state == State.RINGING) {
            forks.cancelAll();
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

    /** A re-INVITE or UPDATE: only once answered (an UPDATE may come before the ACK). */
    private void reoffer(Dialog from, SIPRequest request, Flow flow) {
        boolean update = request.getMethod().equals("UPDATE");
        if (state == State.CONFIRMED || (state == State.ANSWERED && update)) {
            bridge.reoffer(from, from == a ? b : a, request, flow);
        } else if (state == State.ANSWERED) {
            router.refuse(CallRefusal.OFFER_PENDING, request, flow, from.aor, "the call's answer awaits its ACK");
        } else {
            router.refuse(CallRefusal.NOT_ANSWERED, request, flow, from.aor, "the call is not answered");
        }
    }

    private void forward(Dialog from, SIPRequest request, Flow flow) {
        Dialog to = from == a ? b : a;
        if (to == null) {
            // INFO in the early dialog, before anyone answered: nobody to give it to yet.
            router.refuse(CallRefusal.NOT_ANSWERED, request, flow, from.aor, "nobody answered the call yet");
            return;
        }
        bridge.forward(from, to, request, flow);
    }

    // ---- the hub ending things on its own

    /** Ends the call from the hub's side: media died, a phone is gone, or the hub stops. */
    synchronized void hangUp(EndCause why) {
        if (state == State.ENDED) {
            return;
        }
        LOG.info("call {} hung up by the hub: {}", id, why.code());
        if (state == State.RINGING) {
            forks.cancelAll();
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
            forks.cancelAll();
            end(EndCause.PHONE_GONE, 0);
            return;
        }
        forks.flowClosed(flow);
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

    /** A BYE down {@code dialog}, when its phone can still be reached. */
    void bye(Dialog dialog) {
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
            bridge.ended();
            CallTimers.cancel(ringTimer);
            CallTimers.cancel(ackTimer);
            forks.cancelTimers();
            finalMedia = media.figures();
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
                state == State.ENDED ? finalMedia : media.figures());
    }

    private static String address(javax.sip.header.HeaderAddress header) {
        return ((gov.nist.javax.sip.address.AddressImpl) header.getAddress()).encode();
    }

    /** A callee contact with the flow it is reached on. */
    /** One flow to ring: a phone's own, or a link to the node holding it with the {@code route} naming it. */
    record Target(String contactUri, Flow flow, String route) {
        Target(String contactUri, Flow flow) {
            this(contactUri, flow, null);
        }
    }
}
