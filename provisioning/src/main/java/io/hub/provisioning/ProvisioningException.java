package io.hub.provisioning;

import java.time.Duration;
import java.util.Optional;

/**
 * A request the hub refuses: its cause ({@link Refusal}, which holds the HTTP status and the stable
 * reason code) and a sentence for people. Thrown by the services, which name the cause only; the
 * reply, metric and audit entry are made in one place ({@link io.hub.provisioning.http.RefusalReplies}).
 */
public class ProvisioningException extends RuntimeException {

    private final Refusal refusal;
    private final String detail;
    private final transient Duration retryAfter;

    public ProvisioningException(Refusal refusal, String message) {
        this(refusal, message, message, null);
    }

    /**
     * @param detail what the audit row says, when it says more than the client is told
     * @param retryAfter how long the client should wait, or null for the cause's own
     */
    public ProvisioningException(Refusal refusal, String message, String detail, Duration retryAfter) {
        super(message);
        this.refusal = refusal;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** The cause. */
    public Refusal refusal() {
        return refusal;
    }

    /** The HTTP status of the cause. */
    public int status() {
        return refusal.status();
    }

    /** The stable code, such as {@code not-enrolled} or {@code mac-unavailable}. */
    public String reason() {
        return refusal.code();
    }

    /** What the audit row says: the message, or more when the refusal hides something from the client. */
    public String detail() {
        return detail;
    }

    /** How long the client should wait before it tries again, when the refusal is temporary. */
    public Optional<Duration> retryAfter() {
        return retryAfter != null ? Optional.of(retryAfter) : refusal.retryAfter();
    }
}
