package io.hub.sip.call;

/** Why a call ended, as recorded and shown to admins. */
public enum EndCause {
    CALLER_HUNG_UP("caller-hung-up"),
    CALLEE_HUNG_UP("callee-hung-up"),
    CANCELLED("cancelled"),
    BUSY("busy"),
    DECLINED("declined"),
    NOT_FOUND("not-found"),
    UNAVAILABLE("unavailable"),
    NO_ANSWER("no-answer"),
    REFUSED("refused"),
    SRTP_REQUIRED("srtp-required"),
    RELAY_BUSY("relay-busy"),
    MEDIA_TIMEOUT("media-timeout"),
    /** A DTLS-SRTP leg's handshake failed: a fingerprint mismatch (someone else on the media path), a timeout … */
    DTLS_FAILED("dtls-failed"),
    NO_ACK("no-ack"),
    PHONE_GONE("phone-gone"),
    /** One of the phones lost its right to SIP: revoked, disabled or deleted. */
    ACCESS_WITHDRAWN("access-withdrawn"),
    HUB_STOPPED("hub-stopped");

    private final String code;

    EndCause(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The cause of a call that failed with {@code status} before it was answered. */
    static EndCause ofFailure(int status) {
        return switch (status) {
            case 404, 484 -> NOT_FOUND;
            case 486, 600 -> BUSY;
            case 603 -> DECLINED;
            case 408 -> NO_ANSWER;
            case 480 -> UNAVAILABLE;
            case 487 -> CANCELLED;
            case 488, 606 -> SRTP_REQUIRED;
            default -> REFUSED;
        };
    }
}
