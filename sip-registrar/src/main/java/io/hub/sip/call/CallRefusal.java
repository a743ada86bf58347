package io.hub.sip.call;

import io.hub.sip.refusal.SipRefusal;

/**
 * Every way the hub itself refuses a call or a request inside one, each mapped once to the answer
 * sent, as {@link io.hub.sip.registrar.RegisterFailure} does for REGISTER. The code is the
 * {@code reason} of the {@code hub.calls.refused} counter, the audit entry's reason and the text
 * of the answer's {@code Warning: 399 hub "<code>: <detail>"}. {@link CallRefusals} is the one
 * place that turns a value into the answer, the counter, the log line and the audit entry.
 *
 * <p>Answers a phone gives (busy, decline …) are handed back, not refused here.
 */
public enum CallRefusal implements SipRefusal {
    // An INVITE that starts no call.
    UNSUPPORTED_EXTENSION(420, "Bad Extension", "unsupported-extension"),
    TOO_MANY_HOPS(483, "Too Many Hops", "too-many-hops"),
    /** The Call-ID is already a call here: the INVITE came back round (or was forged). */
    LOOP(482, "Loop Detected", "loop"),
    NOT_REGISTERED(403, "Forbidden", "not-registered"),
    /** From names another AOR than the one registered on the connection: a forged caller. */
    FROM_MISMATCH(403, "Forbidden", "from-mismatch"),
    /** The caller has its cap of calls going: one phone's INVITE storm cannot take every relay port. */
    TOO_MANY_CALLS(503, "Service Unavailable", "too-many-calls"),
    NO_USER(404, "Not Found", "no-user"),
    /** Calls stay within the caller's domain (its tenant). */
    OTHER_DOMAIN(403, "Forbidden", "other-domain"),
    UNKNOWN(404, "Not Found", "unknown"),
    OFFLINE(480, "Temporarily Unavailable", "offline"),
    NO_OFFER(488, "Not Acceptable Here", "no-offer"),
    NO_CONTACT(400, "Bad Request", "no-contact"),
    /** No SDES SRTP audio in the offer: SRTP is mandatory. Also for a re-offer. */
    SRTP_REQUIRED(488, "Not Acceptable Here", "srtp-required"),
    /** SDP the hub cannot read or relay. Also for a re-offer. */
    BAD_SDP(488, "Not Acceptable Here", "bad-sdp"),
    RELAY_BUSY(503, "Service Unavailable", "relay-busy"),
    RELAY_FAILED(500, "Server Internal Error", "relay-failed"),
    /**
     * A WebRTC leg's DTLS handshake failed after the call was set up (a certificate that does not match
     * the SDP's fingerprint, a timeout …): never answered, the call is ended with BYE
     * ({@link EndCause#DTLS_FAILED}); counted and audited as a refusal of the media.
     */
    DTLS_FAILED(488, "Not Acceptable Here", "dtls-failed"),
    // Requests inside a call's dialogs.
    /** A request with a To tag, or a CANCEL, that matches no dialog or INVITE of the hub. */
    NO_DIALOG(481, "Call/Transaction Does Not Exist", "no-dialog"),
    /** Another connection than the dialog's phone's spoke in the dialog. */
    FOREIGN_FLOW(403, "Forbidden", "foreign-flow"),
    /** A CSeq that does not go up (RFC 3261 §12.2.2). */
    CSEQ_OUT_OF_ORDER(500, "Server Internal Error", "cseq-out-of-order"),
    /** An offer while another is open (RFC 3261 §14.2, RFC 3311 §5.2). */
    OFFER_PENDING(491, "Request Pending", "offer-pending"),
    /** A re-INVITE before the call was answered, or INFO/MESSAGE with nobody on the other side yet. */
    NOT_ANSWERED(403, "Forbidden", "not-answered"),
    NOT_IMPLEMENTED(501, "Not Implemented", "not-implemented");

    private final Answer answer;

    CallRefusal(int status, String reasonPhrase, String code) {
        this.answer = new Answer(status, reasonPhrase, code);
    }

    @Override
    public Answer answer() {
        return answer;
    }

    /**
     * One refusal, for the audit log.
     *
     * @param who the AOR refused, or "?" when none is known yet
     * @param source the phone's address and port
     */
    public record Refused(CallRefusal cause, String method, String who, String source, String detail) {
    }
}
