package io.hub.sip;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.transport.Flow;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests the hub sends to a phone. They go down the phone's own flow, the connection it opened,
 * because behind NAT nothing else reaches it: a binding without a live flow is not dialled, the
 * request fails at once. Answers are matched to requests by the Via branch the hub chose; over a
 * reliable transport nothing is retransmitted (RFC 3261 §17.1.2), so a missing answer is a timeout.
 */
public final class PhoneRequests {

    private final LocationService location;
    private final Map<String, CompletableFuture<SIPResponse>> pending = new ConcurrentHashMap<>();

    PhoneRequests(LocationService location) {
        this.location = location;
    }

    /** The phone did not answer, or cannot be reached without dialling out. */
    public static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Sends OPTIONS to a binding down its flow.
     *
     * @return the phone's answer; fails with {@link Unreachable} when the binding has no live flow,
     *     and with {@link TimeoutException} when no answer comes in time
     */
    public CompletableFuture<SIPResponse> options(Binding binding, Duration timeout) {
        return send("OPTIONS", "", binding, timeout);
    }

    /**
     * Sends an unsolicited NOTIFY (as Asterisk and wazo-provd send {@code check-sync}: no
     * subscription, {@code Subscription-State: terminated}) to a binding down its flow.
     *
     * @param event the Event header's value, e.g. {@code check-sync} or {@code check-sync;reboot=true}
     * @return the phone's final answer; fails as {@link #options} does
     */
    public CompletableFuture<SIPResponse> notify(Binding binding, String event, Duration timeout) {
        if (!event.matches("[A-Za-z0-9.!%*_+`'~-]+(;[A-Za-z0-9.!%*_+`'~-]+(=[A-Za-z0-9.!%*_+`'~-]+)?)*")) {
            throw new IllegalArgumentException("not an Event header value: " + event);
        }
        return send("NOTIFY", "Event: " + event + "\r\nSubscription-State: terminated\r\n", binding, timeout);
    }

    private CompletableFuture<SIPResponse> send(String method, String headers, Binding binding, Duration timeout) {
        Optional<Flow> flow = location.flow(binding);
        if (flow.isEmpty()) {
            return CompletableFuture.failedFuture(new Unreachable("no live flow for " + binding.aor() + " "
                    + binding.contact() + "; the hub does not dial out to phones"));
        }
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        String target = binding.contact().replaceFirst("^<([^>]*)>.*$", "$1");
        Flow via = flow.get();
        String host = via.local().getAddress().getHostAddress();
        String local = (host.contains(":") ? "[" + host + "]" : host) + ":" + via.local().getPort();
        String request = method + " " + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + via.transport() + " " + local + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:hub@" + binding.aor().replaceFirst("^.*@", "") + ">;tag=" + branch.substring(7, 17)
                + "\r\n"
                + "To: <" + binding.aor() + ">\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:hub@" + local + ";transport=" + via.transport().toLowerCase(java.util.Locale.ROOT)
                + ">\r\n"
                + headers
                + "Content-Length: 0\r\n\r\n";
        SipText.requireRequest(request);
        CompletableFuture<SIPResponse> answer = new CompletableFuture<>();
        pending.put(branch, answer);
        answer.whenComplete((response, failure) -> pending.remove(branch));
        if (!via.send(request)) {
            answer.completeExceptionally(new Unreachable("the flow of " + binding.aor() + " closed"));
        }
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An answer that arrived on a flow; true when it belonged to a request the hub sent. */
    boolean answer(SIPResponse response) {
        String branch = response.getTopmostVia() == null ? null : response.getTopmostVia().getBranch();
        CompletableFuture<SIPResponse> waiting = branch == null ? null : pending.get(branch);
        if (waiting == null) {
            return false;
        }
        if (response.getStatusCode() >= 200) {
            waiting.complete(response);
        }
        return true;
    }
}
