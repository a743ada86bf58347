package io.hub.phone.call;

import io.hub.phone.SipUserAgent;
import io.hub.phone.StepFailure;
import io.hub.phone.net.NetLoop;
import io.hub.phone.sip.DigestAnswer;
import io.hub.phone.sip.SipFlow;
import io.hub.phone.sip.SipMessage;
import io.hub.phone.sdp.SdpException;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A phone's calls, as a desk phone on auto-answer makes and takes them through its registrar: an
 * INVITE with an SRTP offer (answering a digest challenge if the hub sends one), ACK, media for the
 * call's length, BYE; an incoming INVITE answered 200 at once with the phone's own SDES key, media
 * until the other side's BYE. Requests go down the phone's flow; the hub's requests come up it.
 * On the {@link NetLoop}.
 */
public final class PhoneCalls implements SipUserAgent.Calls {

    /** How a call went. */
    public record CallResult(String callId, boolean outgoing, boolean answered, Duration setup, String reason,
            MediaReport received) {
    }

    /** Told when a call, made or taken, is up and when it has ended. */
    public interface Watcher {
        default void established(boolean outgoing) {
        }

        void ended(CallResult result);
    }

    private static final Duration SETUP_DEADLINE = Duration.ofSeconds(32);
    private static final Duration BYE_DEADLINE = Duration.ofSeconds(10);

    private final NetLoop loop;
    private final MediaClock clock;
    private final int portMin;
    private final int portMax;
    private final Watcher watcher;
    private final Map<String, Dialog> dialogs = new HashMap<>();

    /**
     * @param watcher told of every call that starts and ends, made or taken, with what this phone received
     */
    public PhoneCalls(NetLoop loop, MediaClock clock, int portMin, int portMax, Watcher watcher) {
        this.loop = loop;
        this.clock = clock;
        this.portMin = portMin;
        this.portMax = portMax;
        this.watcher = watcher;
    }

    /** Calls in progress, made or taken. */
    public int active() {
        return dialogs.size();
    }

    /**
     * Calls {@code target} (an extension of the phone's domain, or a sip: URI), keeps the call up for
     * {@code length} with media both ways, hangs up, and completes with what this phone received.
     * A call refused or never answered completes with {@code answered} false and the reason.
     */
    public CompletableFuture<CallResult> call(SipUserAgent agent, String target, Duration length) {
        loop.requireLoop();
        String uri = target.startsWith("sip:") ? target : "sip:" + target + "@" + agent.account().domain();
        Dialog dialog;
        try {
            dialog = new Dialog(agent, UUID.randomUUID().toString(), true, media(agent));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new CallResult("", true, false, Duration.ZERO,
                    "no media port: " + e.getMessage(), null));
        }
        dialog.localUri = agent.account().aor();
        dialog.remoteUri = uri;
        dialog.remoteTarget = uri;
        dialogs.put(dialog.callId, dialog);
        long started = System.nanoTime();
        invite(dialog, uri, null, 0).whenComplete((answer, error) -> {
            Duration setup = Duration.ofNanos(System.nanoTime() - started);
            if (error != null) {
                finish(dialog, false, setup, StepFailure.of(error).reason());
                return;
            }
            if (answer.status() / 100 != 2) {
                finish(dialog, false, setup, StepFailure.of(answer, "the INVITE").reason());
                return;
            }
            dialog.remoteTag = SipMessage.parameter(answer.header("To").orElse(""), "tag");
            answer.header("Contact").map(SipMessage::uri).ifPresent(contact -> dialog.remoteTarget = contact);
            dialog.routes = reversed(answer.headers("Record-Route"));
            dialog.cseq = answer.cseq();
            agent.flow().send(inDialog(dialog, "ACK", dialog.cseq).build());
            try {
                startMedia(dialog, SdpBody.read(answer.bodyText()));
            } catch (SdpException e) {
                dialog.setup = setup;
                hangUp(dialog, "unusable SDP answer: " + e.getMessage());
                return;
            }
            dialog.setup = setup;
            dialog.answered = true;
            dialog.hangUp = loop.schedule(() -> hangUp(dialog, "completed"), length);
        });
        return dialog.result;
    }

    @Override
    public void request(SipUserAgent agent, SipMessage request) {
        Dialog dialog = dialogs.get(request.callId());
        switch (request.method()) {
            case "INVITE" -> {
                if (dialog == null) {
                    incoming(agent, request);
                } else {
                    reInvite(dialog, request);
                }
            }
            case "ACK" -> {
                // Media already runs from the 200; an ACK confirms the dialog and needs no answer.
            }
            case "BYE" -> {
                agent.flow().send(SipMessage.response(request, dialog == null ? 481 : 200,
                        dialog == null ? "Call/Transaction Does Not Exist" : "OK", null).build());
                if (dialog != null) {
                    finish(dialog, dialog.answered, dialog.setup, dialog.outgoing ? "ended by the other side"
                            : "completed");
                }
            }
            case "CANCEL" -> {
                agent.flow().send(SipMessage.response(request, dialog == null ? 481 : 200,
                        dialog == null ? "Call/Transaction Does Not Exist" : "OK", null).build());
            }
            default -> agent.flow().send(SipMessage.response(request, 405, "Method Not Allowed", null).build());
        }
    }

    @Override
    public void flowClosed(SipUserAgent agent) {
        for (Dialog dialog : new ArrayList<>(dialogs.values())) {
            if (dialog.agent == agent) {
                finish(dialog, dialog.answered, dialog.setup, "the flow closed during the call");
            }
        }
    }

    private void incoming(SipUserAgent agent, SipMessage invite) {
        SdpBody.Remote remote;
        try {
            remote = SdpBody.read(invite.bodyText());
        } catch (SdpException e) {
            agent.flow().send(SipMessage.response(invite, 488, "Not Acceptable Here", SipUserAgent.tag())
                    .header("Warning", "399 phone \"" + e.getMessage().replace("\"", "'") + "\"").build());
            return;
        }
        Dialog dialog;
        try {
            dialog = new Dialog(agent, invite.callId(), false, media(agent));
        } catch (IOException e) {
            agent.flow().send(SipMessage.response(invite, 500, "Server Internal Error", SipUserAgent.tag()).build());
            return;
        }
        dialog.remoteTag = SipMessage.parameter(invite.header("From").orElse(""), "tag");
        dialog.localUri = SipMessage.uri(invite.header("To").orElse(""));
        dialog.remoteUri = SipMessage.uri(invite.header("From").orElse(""));
        dialog.remoteTarget = invite.header("Contact").map(SipMessage::uri).orElse(dialog.remoteUri);
        dialog.routes = invite.headers("Record-Route");
        dialog.setup = Duration.ZERO;
        dialog.answered = true;
        dialogs.put(dialog.callId, dialog);
        agent.flow().send(SipMessage.response(invite, 180, "Ringing", dialog.localTag).build());
        agent.flow().send(answer(dialog, invite, remote.crypto().tag()));
        startMedia(dialog, remote);
    }

    private void reInvite(Dialog dialog, SipMessage invite) {
        try {
            SdpBody.Remote remote = SdpBody.read(invite.bodyText());
            dialog.media.start(remote.media(), dialog.ownKey, remote.key());
        } catch (SdpException e) {
            // Hold and resume keep the keys; an unreadable offer keeps the media as it is.
        }
        dialog.agent.flow().send(answer(dialog, invite, 1));
    }

    private SipMessage answer(Dialog dialog, SipMessage invite, int cryptoTag) {
        return SipMessage.response(invite, 200, "OK", dialog.localTag)
                .header("Contact", "<" + dialog.agent.contactUri() + ">")
                .header("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS")
                .header("User-Agent", dialog.agent.userAgentHeader())
                .body("application/sdp", SdpBody.describe(dialog.ip(), dialog.media.port(), dialog.ownKey, cryptoTag,
                        dialog.sessionId))
                .build();
    }

    private CompletableFuture<SipMessage> invite(Dialog dialog, String uri, DigestAnswer.Challenge challenge,
            int round) {
        SipUserAgent agent = dialog.agent;
        dialog.cseq++;
        SipMessage.Builder invite = agent.request("INVITE", uri)
                .header("From", "<" + dialog.localUri + ">;tag=" + dialog.localTag)
                .header("To", "<" + uri + ">")
                .header("Call-ID", dialog.callId)
                .header("CSeq", dialog.cseq + " INVITE")
                .header("Contact", "<" + agent.contactUri() + ">")
                .header("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS")
                .header("User-Agent", agent.userAgentHeader());
        if (challenge != null) {
            invite.header(dialog.proxyAuth ? "Proxy-Authorization" : "Authorization", DigestAnswer.authorization(
                    challenge, "INVITE", uri, agent.account().authUser(), agent.account().password(), 1,
                    Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)));
        }
        SipMessage request = invite.body("application/sdp", SdpBody.describe(dialog.ip(), dialog.media.port(),
                dialog.ownKey, 1, dialog.sessionId)).build();
        return agent.flow().request(request, SETUP_DEADLINE, null).thenCompose(answer -> {
            if (answer.status() < 300) {
                return CompletableFuture.completedFuture(answer);
            }
            agent.flow().send(ackForFailure(request, answer));
            if ((answer.status() == 401 || answer.status() == 407) && round == 0) {
                List<String> offered = answer.headers(answer.status() == 401 ? "WWW-Authenticate"
                        : "Proxy-Authenticate");
                DigestAnswer.Challenge chosen = DigestAnswer.choose(offered, DigestAnswer.Preference.STRONGEST)
                        .orElse(null);
                if (chosen != null) {
                    dialog.proxyAuth = answer.status() == 407;
                    return invite(dialog, uri, chosen, round + 1);
                }
            }
            return CompletableFuture.completedFuture(answer);
        });
    }

    /** The ACK that ends an INVITE transaction with a failure: same branch and CSeq number (RFC 3261 §17.1.1.3). */
    private static SipMessage ackForFailure(SipMessage invite, SipMessage answer) {
        return SipMessage.request("ACK", invite.requestUri())
                .header("Via", invite.header("Via").orElse(""))
                .header("Max-Forwards", "70")
                .header("From", invite.header("From").orElse(""))
                .header("To", answer.header("To").orElse(""))
                .header("Call-ID", invite.callId())
                .header("CSeq", invite.cseq() + " ACK")
                .build();
    }

    private SipMessage.Builder inDialog(Dialog dialog, String method, long cseq) {
        SipMessage.Builder builder = dialog.agent.request(method, dialog.remoteTarget);
        dialog.routes.forEach(route -> builder.header("Route", route));
        return builder.header("From", "<" + dialog.localUri + ">;tag=" + dialog.localTag)
                .header("To", "<" + dialog.remoteUri + ">" + (dialog.remoteTag == null ? "" : ";tag=" + dialog.remoteTag))
                .header("Call-ID", dialog.callId)
                .header("CSeq", cseq + " " + method);
    }

    private void hangUp(Dialog dialog, String reason) {
        if (!dialogs.containsKey(dialog.callId)) {
            return;
        }
        SipFlow flow = dialog.agent.flow();
        if (flow == null || !flow.isOpen()) {
            finish(dialog, dialog.answered, dialog.setup, "the flow closed during the call");
            return;
        }
        dialog.cseq++;
        flow.request(inDialog(dialog, "BYE", dialog.cseq).build(), BYE_DEADLINE, null).whenComplete((answer, error) ->
                finish(dialog, dialog.answered, dialog.setup, error == null && answer.status() / 100 == 2 ? reason
                        : "BYE not answered 200: " + (error != null ? StepFailure.of(error).reason()
                                : answer.status())));
    }

    private void startMedia(Dialog dialog, SdpBody.Remote remote) {
        dialog.media.start(remote.media(), dialog.ownKey, remote.key());
        clock.add(dialog.media);
        dialog.established = true;
        watcher.established(dialog.outgoing);
    }

    private void finish(Dialog dialog, boolean answered, Duration setup, String reason) {
        if (dialogs.remove(dialog.callId) == null) {
            return;
        }
        if (dialog.hangUp != null) {
            dialog.hangUp.cancel(false);
        }
        clock.remove(dialog.media);
        MediaReport report = dialog.media.close();
        CallResult result = new CallResult(dialog.callId, dialog.outgoing, answered, setup == null ? Duration.ZERO
                : setup, reason, dialog.established ? report : null);
        watcher.ended(result);
        dialog.result.complete(result);
    }

    private MediaStream media(SipUserAgent agent) throws IOException {
        InetAddress local = agent.localAddress();
        if (local == null) {
            String hostPort = agent.flow().localHostPort();
            local = InetAddress.getByName(hostPort.substring(0, hostPort.lastIndexOf(':')).replace("[", "")
                    .replace("]", ""));
        }
        return MediaStream.open(loop, local, portMin, portMax);
    }

    private static List<String> reversed(List<String> routes) {
        List<String> copy = new ArrayList<>(routes);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** One call's dialog state (RFC 3261 §12). */
    private static final class Dialog {
        final SipUserAgent agent;
        final String callId;
        final boolean outgoing;
        final MediaStream media;
        final MasterKey ownKey = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        final String localTag = SipUserAgent.tag();
        final long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        final CompletableFuture<CallResult> result = new CompletableFuture<>();
        String localUri;
        String remoteUri;
        String remoteTag;
        String remoteTarget;
        List<String> routes = List.of();
        long cseq;
        boolean answered;
        boolean established;
        boolean proxyAuth;
        Duration setup;
        ScheduledFuture<?> hangUp;

        Dialog(SipUserAgent agent, String callId, boolean outgoing, MediaStream media) {
            this.agent = agent;
            this.callId = callId;
            this.outgoing = outgoing;
            this.media = media;
        }

        String ip() {
            String hostPort = agent.flow().localHostPort();
            return hostPort.substring(0, hostPort.lastIndexOf(':')).replace("[", "").replace("]", "");
        }
    }
}
