package io.hub.sip;

/** Why a phone was taken off SIP; the code is what logs, the audit trail and listeners carry. */
public enum WithdrawReason {
    /** The phone's device or the certificate on its flow was revoked. */
    REVOKED("revoked"),
    /** The CA that issued the certificate on its flow is no longer trusted ({@code hub pki untrust}). */
    UNTRUSTED("untrusted"),
    /** The certificate on its flow is no longer valid for another reason (expired, …). */
    CERTIFICATE_REFUSED("certificate-refused"),
    /** Its device was disabled. */
    DISABLED("disabled"),
    /** Its device was deleted, or no longer holds the AOR's extension. */
    REMOVED("removed");

    private final String code;

    WithdrawReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
