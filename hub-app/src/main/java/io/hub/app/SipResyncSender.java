package io.hub.app;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.provisioning.CheckSyncSender;
import io.hub.provisioning.Delivery;
import io.hub.provisioning.ResyncOutcome;
import io.hub.sip.PhoneRequests;
import io.hub.sip.SipService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Sends {@code NOTIFY Event: check-sync} down the live flows of a device's AOR
 * ({@code sip:extension@tenant-domain}, so another tenant's phone with the same extension is never
 * told). The best answer of its flows is the outcome: a 2xx from any, else an error status, else a
 * timeout; no live flow at all is {@code no-flow}.
 */
final class SipResyncSender implements CheckSyncSender {

    private final SipService sip;
    private final Duration timeout;

    SipResyncSender(SipService sip, Duration timeout) {
        this.sip = sip;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Delivery> send(String aor, boolean reboot) {
        String event = reboot ? "check-sync;reboot=true" : "check-sync";
        List<CompletableFuture<SIPResponse>> sent = sip.notifyLiveFlows(aor, event, timeout);
        if (sent.isEmpty()) {
            return CompletableFuture.completedFuture(new Delivery(ResyncOutcome.NO_FLOW, null,
                    "no live flow for " + aor));
        }
        List<CompletableFuture<Delivery>> answers = sent.stream().map(answer -> answer.handle((response, failure)
                -> delivery(aor, response, failure))).toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> answers.stream()
                .map(CompletableFuture::join).min(java.util.Comparator.comparingInt(SipResyncSender::rank))
                .orElseThrow());
    }

    private static Delivery delivery(String aor, SIPResponse response, Throwable failure) {
        if (response != null) {
            int status = response.getStatusCode();
            return status < 300 ? new Delivery(ResyncOutcome.OK, status, aor)
                    : new Delivery(ResyncOutcome.REFUSED, status, aor + ": " + response.getReasonPhrase());
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof PhoneRequests.Unreachable) {
            return new Delivery(ResyncOutcome.NO_FLOW, null, cause.getMessage());
        }
        return new Delivery(ResyncOutcome.TIMEOUT, null, aor + (cause instanceof TimeoutException
                ? ": no answer in time" : ": " + cause));
    }

    /** OK first, then a refusal (the phone is there and said why), then a timeout, then no flow. */
    private static int rank(Delivery delivery) {
        return switch (delivery.outcome()) {
            case OK -> 0;
            case REFUSED -> 1;
            case TIMEOUT -> 2;
            default -> 3;
        };
    }
}
