package io.hub.sip.call;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.log.LogText;
import io.hub.sip.transport.Flow;
import io.micrometer.core.instrument.MeterRegistry;
import io.hub.sip.refusal.RefusalAnswer;
import io.hub.sip.refusal.RefusalTally;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a {@link CallRefusal} becomes what the world sees of it: the answer down the
 * phone's flow (status, reason phrase, {@code Warning: 399 hub "<code>: <detail>"} and the headers
 * the status needs), the {@code hub.calls.refused{reason}} counter, one log line and the audit
 * listeners.
 */
final class CallRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(CallRouter.class);
    /** How long a caller refused 503 (relay or its own call cap full) is asked to wait. */
    static final int BUSY_RETRY_SECONDS = 5;

    private final RefusalTally<CallRefusal.Refused> tally;

    CallRefusals(MeterRegistry metrics) {
        this.tally = new RefusalTally<>(metrics, "hub.calls.refused", "call requests refused, by cause", "reason");
    }

    void onRefusal(Consumer<CallRefusal.Refused> listener) {
        tally.onRefusal(listener);
    }

    /**
     * Refuses {@code request}: counted, logged, told to the listeners, and answered unless it is an
     * ACK (which gets no answer, RFC 3261 §17.2.1).
     *
     * @param who the AOR refused (the caller, or the dialog's phone), or "?" before one is known
     * @param detail the words after the code in the Warning, or null
     */
    void refuse(CallRefusal cause, SIPRequest request, Flow flow, String who, String detail) {
        String source = flow.remote().getAddress().getHostAddress() + ":" + flow.remote().getPort();
        LOG.info("call refused {} aor={} source={} target={} reason={} detail={}", LogText.of(request.getMethod()),
                LogText.of(who), source, LogText.of(String.valueOf(request.getRequestURI())), cause.code(),
                LogText.of(detail));
        tally.record(cause, new CallRefusal.Refused(cause, request.getMethod(), who, source, detail));
        if (!request.getMethod().equals("ACK")) {
            flow.send(answer(cause, request, detail));
        }
    }

    /**
     * A refusal of a call's media, found after its INVITE was answered: counted, logged and told to the
     * listeners like any other, answered by nobody (the call ends with BYE).
     *
     * @param source the address the refused media came from, or "?"
     */
    void refuseMedia(CallRefusal cause, String method, String who, String source, String detail) {
        LOG.info("call refused {} aor={} source={} reason={} detail={}", LogText.of(method), LogText.of(who), source,
                cause.code(), LogText.of(detail));
        tally.record(cause, new CallRefusal.Refused(cause, method, who, source, detail));
    }

    /** The answer for {@code cause}: every header it needs, decided here and nowhere else. */
    static String answer(CallRefusal cause, SIPRequest request, String detail) {
        String[] headers = switch (cause) {
            case UNSUPPORTED_EXTENSION -> new String[] {"Unsupported: " + detail};
            case TOO_MANY_CALLS, RELAY_BUSY -> new String[] {"Retry-After: " + BUSY_RETRY_SECONDS};
            // RFC 3261 §14.2: a UAS that gets a lower CSeq answers 500 with a Retry-After.
            case CSEQ_OUT_OF_ORDER -> new String[] {"Retry-After: 1"};
            case NOT_IMPLEMENTED -> new String[] {"Allow: " + Answers.ALLOW};
            default -> new String[0];
        };
        return RefusalAnswer.to(request, cause, detail, headers).encode();
    }
}
