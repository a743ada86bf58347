package io.hub.sip.call;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.relay.Side;
import io.hub.relay.sdp.SdpException;
import io.hub.sip.SipTags;
import io.hub.sip.transport.Flow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's INVITEs to its callee, one per registered flow, in parallel: each with an offer and a
 * key of its own ({@link CallMedia#offerForFork}). The first 2xx wins and goes to the {@link Call};
 * the others are cancelled, and one that answers 2xx all the same is hung up. When every fork has
 * failed, the caller hears the most telling failure ({@link #failureForCaller}).
 *
 * <p>Runs under the call's lock: the answers and timers it registers take it first.
 */
final class CalleeForks {

    private static final Logger LOG = LoggerFactory.getLogger(CalleeForks.class);

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

    private final Call call;
    private final CallRouter router;
    private final CallMedia media;
    private final List<Fork> forks = new ArrayList<>();

    CalleeForks(Call call, CallRouter router, CallMedia media) {
        this.call = call;
        this.router = router;
        this.media = media;
    }

    /**
     * Sends one INVITE to each target; a fork that cannot be sent counts as failed at once.
     *
     * @param from the From the callee sees: the caller's authenticated AOR with its display name
     */
    void ring(List<Call.Target> targets, Dialog caller, String from, int maxForwards) {
        for (Call.Target target : targets) {
            Dialog dialog = new Dialog(call, Side.B, "hub-" + SipTags.newTag() + SipTags.newTag(), call.callee,
                    from, SipTags.newTag(), caller.localUri, null, target.contactUri(), target.flow());
            dialog.localCseq = 1;
            Fork fork = new Fork(dialog, target.contactUri(), Requests.branch(), 1);
            forks.add(fork);
            String request;
            try {
                String offer = media.offerForFork(dialog.callId, router.mediaAddress(target.flow()),
                        WebRtcContact.is(target.contactUri()));
                List<String> headers = new ArrayList<>();
                if (target.route() != null) {
                    // The node holding the phone's flow finds it by this Route's flow token.
                    headers.add(target.route());
                }
                headers.addAll(List.of(Requests.contact(target.flow()), "Max-Forwards: " + Math.max(0, maxForwards - 1),
                        "P-Asserted-Identity: <" + call.caller + ">", "Allow: " + Answers.ALLOW,
                        "Supported: outbound"));
                request = Requests.build("INVITE", fork.requestUri, dialog, target.flow(), fork.cseq, fork.branch,
                        null, headers, "application/sdp", offer);
            } catch (SdpException | IllegalArgumentException e) {
                // A caller's value made an unsendable request: treated like a fork that failed.
                LOG.info("call {} fork to {} not sent: {}", call.id, LogText.of(target.contactUri()),
                        LogText.of(e.getMessage()));
                fork.status = 500;
                continue;
            }
            router.register(dialog);
            // Registered before sending, as the timer is: the answer may come back before send returns.
            dialog.pending.put(fork.branch, response -> {
                synchronized (call) {
                    answered(fork, response);
                }
            });
            fork.timer = router.schedule(call, router.settings().transactionTimeout(), () -> {
                synchronized (call) {
                    timedOut(fork);
                }
            });
            if (!target.flow().send(request)) {
                CallTimers.cancel(fork.timer);
                if (target.route() != null) {
                    // The link to the node holding the phone's flow is gone or its outbox full: the
                    // phone may well be there, the hub cannot reach it now.
                    LOG.info("call {} fork to {} not sent: the link to its node refused it", call.id,
                            LogText.of(target.contactUri()));
                    fork.status = 503;
                } else {
                    fork.status = 480;
                }
            }
        }
    }

    private void answered(Fork fork, SIPResponse response) {
        int code = response.getStatusCode();
        if (response.getCSeq().getMethod().equals("CANCEL")) {
            return;
        }
        if (code < 200) {
            fork.provisional = true;
            CallTimers.cancel(fork.timer);
            if (response.getTo().getTag() != null) {
                fork.dialog.remoteTag = response.getTo().getTag();
            }
            if (fork.cancelWanted) {
                sendCancel(fork);
            } else if (code > 100) {
                call.calleeRinging();
            }
            return;
        }
        CallTimers.cancel(fork.timer);
        fork.dialog.pending.remove(fork.branch);
        fork.dialog.remoteTag = response.getTo().getTag();
        fork.status = code;
        if (code >= 300) {
            sendAck(fork, false);
            router.unregister(fork.dialog);
            call.forkFailed(code);
            return;
        }
        Contact contact = response.getContactHeader();
        fork.dialog.remoteTarget = contact == null ? fork.requestUri : contact.getAddress().getURI().toString();
        sendAck(fork, true);
        if (!call.isRinging()) {
            // Answered after the call was taken elsewhere, cancelled or ended: hang this one up.
            call.bye(fork.dialog);
            router.unregister(fork.dialog);
            return;
        }
        cancelAllBut(fork);
        call.calleeAnswered(fork.dialog, response);
    }

    private void timedOut(Fork fork) {
        if (fork.done() || fork.provisional || !call.isRinging()) {
            return;
        }
        LOG.info("call {} fork to {} did not answer", call.id, LogText.of(fork.requestUri));
        fork.status = 408;
        fork.dialog.pending.remove(fork.branch);
        router.unregister(fork.dialog);
        call.forkFailed(408);
    }

    boolean isEmpty() {
        return forks.isEmpty();
    }

    /** A callee's flow closed: its forks that have not answered fail. */
    void flowClosed(Flow flow) {
        for (Fork fork : forks) {
            if (!fork.done() && fork.dialog.flow == flow) {
                fork.status = 480;
                CallTimers.cancel(fork.timer);
                router.unregister(fork.dialog);
            }
        }
    }

    boolean allFailed() {
        return forks.stream().allMatch(Fork::done);
    }

    /**
     * The failure the caller hears once every fork failed: busy and decline first, then the rest;
     * a redirect or a failure whose meaning needs the callee's headers becomes 480.
     */
    int failureForCaller() {
        int best = forks.stream().mapToInt(f -> f.status).map(CalleeForks::rank).min().orElse(rank(480));
        int chosen = forks.stream().mapToInt(f -> f.status).filter(s -> rank(s) == best).findFirst().orElse(480);
        return (chosen >= 300 && chosen < 400) || Answers.NOT_RELAYABLE.contains(chosen) ? 480 : chosen;
    }

    /** Which failure the caller hears (lower is better). */
    private static int rank(int status) {
        if (status >= 600) {
            return 0;
        }
        if (status == 486) {
            return 1;
        }
        return status >= 400 && status < 500 ? 2 : 3;
    }

    /** Cancels every fork still ringing. */
    void cancelAll() {
        cancelAllBut(null);
    }

    private void cancelAllBut(Fork except) {
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

    void cancelTimers() {
        forks.forEach(fork -> CallTimers.cancel(fork.timer));
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

    /** The From the callee sees: the authenticated AOR, with the caller's display name at most. */
    static String from(SIPRequest invite, String caller) {
        String display = invite.getFrom().getAddress().getDisplayName();
        return (display == null || display.isBlank() ? "" : "\"" + display.replaceAll("[\"\\\\\\r\\n]", "")
                + "\" ") + "<" + caller + ">";
    }
}
