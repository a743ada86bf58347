package io.hub.sip.registrar;

/**
 * Every way a REGISTER fails, each mapped once to the response sent (as Kamailio's registrar
 * enumerates its errors in one place). The code is what logs and the audit trail carry.
 */
public enum RegisterFailure {
    MALFORMED(400, "Bad Request", "malformed"),
    BAD_WILDCARD(400, "Bad Request", "bad-wildcard"),
    UNSUPPORTED_EXTENSION(420, "Bad Extension", "unsupported-extension"),
    UNKNOWN_AOR(404, "Not Found", "unknown-aor"),
    WRONG_USER(403, "Forbidden", "wrong-user"),
    WRONG_PASSWORD(403, "Forbidden", "wrong-password"),
    REPLAYED(403, "Forbidden", "replayed"),
    CERTIFICATE_REFUSED(403, "Forbidden", "certificate-refused"),
    CERTIFICATE_MISMATCH(403, "Forbidden", "certificate-mismatch"),
    DISABLED(403, "Forbidden", "disabled"),
    INTERVAL_TOO_BRIEF(423, "Interval Too Brief", "interval-too-brief"),
    OUT_OF_ORDER(500, "Server Internal Error", "out-of-order"),
    STORE_FAILED(500, "Server Internal Error", "store-failed");

    private final int status;
    private final String reasonPhrase;
    private final String code;

    RegisterFailure(int status, String reasonPhrase, String code) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String reasonPhrase() {
        return reasonPhrase;
    }

    public String code() {
        return code;
    }
}
