package io.hub.phone;

import io.hub.phone.http.HttpAnswer;
import io.hub.phone.http.HttpFailure;
import io.hub.phone.provisioning.Discovery;
import io.hub.phone.sip.SipMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Why a step failed, as a person and a fleet summary read it: a short reason (the hub's own code
 * when it gave one, such as {@code 403 revoked} or {@code 403 wrong-password}), a detail, and
 * whether a real phone would try again (refused connections, timeouts, 429/5xx) or give up and show
 * an error (the hub's refusals).
 */
public final class StepFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final boolean retryable;
    private final transient Duration retryAfter;

    public StepFailure(String reason, String detail, boolean retryable, Duration retryAfter) {
        super(detail, null, false, false);
        this.reason = reason;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** The same failure, its detail saying how many attempts it took. */
    public StepFailure afterAttempts(int attempts) {
        return attempts < 2 ? this : new StepFailure(reason, getMessage() + " after " + attempts + " attempts", retryable,
                retryAfter);
    }

    public static StepFailure finalFailure(String reason, String detail) {
        return new StepFailure(reason, detail, false, null);
    }

    /** The short cause: counted per step in a fleet's summary. */
    public String reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the server asked a phone to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** An HTTP answer other than the one the step wanted, with the hub's reason code when it gave one. */
    public static StepFailure of(HttpAnswer answer, String what) {
        int status = answer.status();
        String code = answer.header("X-Hub-Reason").or(() -> Discovery.errorReason(answer.body())).orElse(null);
        String reason = status + (code == null ? "" : " " + code);
        boolean retry = status == 408 || status == 429 || status >= 500;
        Duration wait = answer.header("Retry-After").flatMap(StepFailure::seconds).orElse(null);
        String body = answer.body().length == 0 ? ""
                : ": " + Discovery.errorMessage(answer.body()).orElseGet(() -> oneLine(answer.text()));
        return new StepFailure(reason, what + " answered " + status + body, retry, wait);
    }

    /** A SIP answer other than 200, with the registrar's Warning code when it gave one. */
    public static StepFailure of(SipMessage answer, String what) {
        int status = answer.status();
        String warning = answer.header("Warning").orElse(null);
        String code = warningCode(warning);
        String reason = status + (code == null ? "" : " " + code);
        boolean retry = status == 408 || status == 480 || status >= 500 && status != 501;
        Duration wait = answer.header("Retry-After").flatMap(StepFailure::seconds).orElse(null);
        return new StepFailure(reason, what + " answered " + status + " " + answer.reason()
                + (warning == null ? "" : " (Warning: " + warning + ")"), retry, wait);
    }

    /** A step's exception as a failure: timeouts and broken connections are worth another try. */
    public static StepFailure of(Throwable thrown) {
        Throwable cause = thrown;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StepFailure failure) {
            return failure;
        }
        if (cause instanceof TimeoutException) {
            return new StepFailure("timeout", cause.getMessage(), true, null);
        }
        if (cause instanceof IOException) {
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            return new StepFailure(shortReason(message), message, true, null);
        }
        if (cause instanceof HttpFailure || cause instanceof IllegalArgumentException) {
            return new StepFailure("bad answer", cause.getMessage(), false, null);
        }
        return new StepFailure("error", String.valueOf(cause), false, null);
    }

    private static String shortReason(String message) {
        if (message.startsWith("no TLS connection within")) {
            return "no TLS connection in time";
        }
        if (message.startsWith("TLS failed")) {
            return "TLS failed";
        }
        if (message.startsWith("closed by the peer")) {
            return "closed by the hub";
        }
        return message.length() > 40 ? message.substring(0, 40) : message;
    }

    /** The code of {@code 399 host "code"}, or null. */
    static String warningCode(String warning) {
        if (warning == null) {
            return null;
        }
        int open = warning.indexOf('"');
        int close = warning.lastIndexOf('"');
        return open >= 0 && close > open ? warning.substring(open + 1, close) : null;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.split("[;( ]", 2)[0].strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
