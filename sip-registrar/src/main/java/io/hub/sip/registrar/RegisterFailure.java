package io.hub.sip.registrar;

import io.hub.sip.refusal.SipRefusal;

/**
 * Every way a REGISTER fails, each mapped once to the response sent (as Kamailio's registrar
 * enumerates its errors in one place). The code is what logs and the audit trail carry.
 */
public enum RegisterFailure implements SipRefusal {
    MALFORMED(400, "Bad Request", "malformed"),
    /** The digest answers for another Request-URI than the REGISTER's own (RFC 7616 §3.4.6). */
    WRONG_URI(400, "Bad Request", "wrong-uri"),
    BAD_WILDCARD(400, "Bad Request", "bad-wildcard"),
    UNSUPPORTED_EXTENSION(420, "Bad Extension", "unsupported-extension"),
    UNKNOWN_AOR(404, "Not Found", "unknown-aor"),
    WRONG_USER(403, "Forbidden", "wrong-user"),
    WRONG_PASSWORD(403, "Forbidden", "wrong-password"),
    REPLAYED(403, "Forbidden", "replayed"),
    CERTIFICATE_REFUSED(403, "Forbidden", "certificate-refused"),
    CERTIFICATE_MISMATCH(403, "Forbidden", "certificate-mismatch"),
    /** The account's policy is {@code required} and no certificate came with the connection. */
    CERTIFICATE_REQUIRED(403, "Forbidden", "certificate-required"),
    /** A generic (vendor-only) CA's certificate that is not the one bound to the account's phone. */
    CERTIFICATE_NOT_BOUND(403, "Forbidden", "certificate-not-bound"),
    /** The account's phone is revoked by MAC: no certificate, no password registers it. */
    REVOKED(403, "Forbidden", "revoked"),
    DISABLED(403, "Forbidden", "disabled"),
    INTERVAL_TOO_BRIEF(423, "Interval Too Brief", "interval-too-brief"),
    /** The AOR registered more often in the last second than its rate allows: answered with Retry-After. */
    TOO_FREQUENT(503, "Service Unavailable", "too-frequent"),
    OUT_OF_ORDER(500, "Server Internal Error", "out-of-order"),
    /** The database did not answer: try again later (Retry-After), the binding held stays. */
    STORE_UNAVAILABLE(503, "Service Unavailable", "store-unavailable");

    private final Answer answer;

    RegisterFailure(int status, String reasonPhrase, String code) {
        this.answer = new Answer(status, reasonPhrase, code);
    }

    @Override
    public Answer answer() {
        return answer;
    }
}
