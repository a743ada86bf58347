package io.hub.provisioning;

/**
 * A request the hub refuses: the HTTP status to answer, a stable machine-readable reason code, and
 * a sentence for people. Thrown by the services, mapped to a response in one place per server.
 */
public class ProvisioningException extends RuntimeException {

    private final int status;
    private final String reason;

    public ProvisioningException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** The stable code, such as {@code not-enrolled} or {@code mac-unavailable}. */
    public String reason() {
        return reason;
    }

    public static ProvisioningException badRequest(String reason, String message) {
        return new ProvisioningException(400, reason, message);
    }

    public static ProvisioningException notFound(String reason, String message) {
        return new ProvisioningException(404, reason, message);
    }

    public static ProvisioningException conflict(String reason, String message) {
        return new ProvisioningException(409, reason, message);
    }
}
