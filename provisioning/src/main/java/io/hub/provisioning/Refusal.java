package io.hub.provisioning;

import io.hub.pki.RefusalCause;
import java.time.Duration;
import java.util.Optional;

/**
 * Why the hub refuses an HTTP request, on the device side and the admin side alike: one constant per
 * cause, each with its HTTP status and its stable reason code. Services name the cause (in a
 * {@link io.hub.provisioning.ProvisioningException}); they never pick a status. {@link RefusalReplies}
 * is the one place that turns a cause into the reply ({@code X-Hub-Reason} and the API's error
 * body), the metric label and the audit entry.
 *
 * <p>The codes are a contract with phones, scripts and the console: a code may be added, never
 * renamed. The PKI's certificate refusals are constants here too ({@link #of(RefusalCause)}), with
 * the PKI's own codes, so a certificate refused over HTTPS and over SIP carries the same word.
 */
public enum Refusal {

    // A device certificate the PKI refuses (io.hub.pki.RefusalCause), always 403.
    NO_CERTIFICATE(RefusalCause.NO_CERTIFICATE),
    UNKNOWN_ISSUER(RefusalCause.UNKNOWN_ISSUER),
    BAD_SIGNATURE(RefusalCause.BAD_SIGNATURE),
    WEAK_SIGNATURE(RefusalCause.WEAK_SIGNATURE),
    INVALID_CHAIN(RefusalCause.INVALID_CHAIN),
    EXPIRED(RefusalCause.EXPIRED),
    NOT_YET_VALID(RefusalCause.NOT_YET_VALID),
    REVOKED(RefusalCause.REVOKED),
    CRL_EXPIRED(RefusalCause.CRL_EXPIRED),
    WEAK_KEY(RefusalCause.WEAK_KEY),
    MISSING_CLIENT_AUTH(RefusalCause.MISSING_CLIENT_AUTH),
    NO_MAC(RefusalCause.NO_MAC),
    MAC_MISMATCH(RefusalCause.MAC_MISMATCH),

    // A valid certificate that does not fit the enrolled device.
    NOT_ENROLLED(404, "not-enrolled"),
    DISABLED(403, "disabled"),
    WRONG_MODEL(403, "wrong-model"),
    CERTIFICATE_PENDING(403, "certificate-pending"),
    CERTIFICATE_MISMATCH(403, "certificate-mismatch"),
    NOT_ASSIGNED(409, "not-assigned"),
    UNKNOWN_FIRMWARE(404, "unknown-firmware"),
    INVALID_STATUS(400, "invalid-status"),

    // The admin's token.
    NO_TOKEN(401, "no-token"),
    BAD_TOKEN(401, "bad-token"),
    OPERATOR_ONLY(403, "operator-only"),

    // The shape of a request, on either side.
    NO_SUCH_RESOURCE(404, "no-such-resource", false),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", false),
    BROKEN_REQUEST(400, "broken-request", false),
    TOO_LARGE(413, "too-large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
    MALFORMED_MAC(400, "malformed-mac"),
    INVALID_JSON(400, "invalid-json"),
    INVALID_QUERY(400, "invalid-query"),
    INVALID_FILTER(400, "invalid-filter"),
    INVALID_PAGE(400, "invalid-page"),

    // What an admin asks to store.
    INVALID_DEVICE(400, "invalid-device"),
    INVALID_FINGERPRINT(400, "invalid-fingerprint"),
    INVALID_SETTING(400, "invalid-setting"),
    INVALID_CSV(400, "invalid-csv"),
    NOT_UTF8(400, "not-utf8"),
    INVALID_TENANT(400, "invalid-tenant"),
    INVALID_DOMAIN(400, "invalid-domain"),
    OPERATOR_TOKEN(400, "operator-token"),
    UNKNOWN_MODEL(400, "unknown-model"),
    INVALID_VERSION(400, "invalid-version"),
    EMPTY_UPLOAD(400, "empty-upload"),
    TRUNCATED_UPLOAD(400, "truncated-upload"),
    NOT_FOUND(404, "not-found"),
    NO_SUCH_SITE(404, "no-such-site"),
    NO_SUCH_TENANT(404, "no-such-tenant"),
    NO_SUCH_RESYNC(404, "no-such-resync"),
    ALREADY_ENROLLED(409, "already-enrolled"),
    MAC_UNAVAILABLE(409, "mac-unavailable"),
    CERTIFICATE_IN_USE(409, "certificate-in-use"),
    EXTENSION_IN_USE(409, "extension-in-use"),
    FIRMWARE_EXISTS(409, "firmware-exists"),
    FIRMWARE_IN_USE(409, "firmware-in-use"),
    /** The tenant's images together would pass its firmware quota. */
    FIRMWARE_QUOTA(507, "firmware-quota"),
    TENANT_EXISTS(409, "tenant-exists"),
    DOMAIN_TAKEN(409, "domain-taken"),
    /** A backup the hub cannot write where it was asked: a directory that is not empty, a database it cannot copy. */
    BACKUP_REFUSED(409, "backup-refused"),
    /** A resync of a disabled phone: 409, where the phone itself is refused {@link #DISABLED} 403. */
    RESYNC_DISABLED(409, "disabled"),
    NO_FLOW(409, "no-flow"),

    // The hub, not the request.
    /** Too many requests or refusals from one source; the exception says how long to wait. */
    RATE_LIMITED(429, "rate-limited", false),
    /** The database failed or its pool is closed or exhausted: retry, nothing was changed. */
    STORAGE_UNAVAILABLE(503, "storage-unavailable", false, Duration.ofSeconds(5)),
    /**
     * A node of a cluster cannot serve an image uploaded on another: the database's copy of it is
     * missing or does not match the catalogue's size and SHA-256; nothing was served.
     */
    FIRMWARE_UNAVAILABLE(503, "firmware-unavailable"),
    /** A fault of the hub's own; logged with its stack trace. */
    INTERNAL_ERROR(500, "internal-error", false);

    private final int status;
    private final String code;
    private final boolean audited;
    private final Duration retryAfter;

    Refusal(RefusalCause certificate) {
        this(403, certificate.code());
    }

    Refusal(int status, String code) {
        this(status, code, true);
    }

    Refusal(int status, String code, boolean audited) {
        this(status, code, audited, null);
    }

    Refusal(int status, String code, boolean audited, Duration retryAfter) {
        this.status = status;
        this.code = code;
        this.audited = audited;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status of the reply. */
    public int status() {
        return status;
    }

    /** The stable reason code: {@code X-Hub-Reason}, the error body and the audit row carry it. */
    public String code() {
        return code;
    }

    /** The {@code outcome} label of the request counters; the reason code, so dashboards and logs agree. */
    public String metricLabel() {
        return code;
    }

    /**
     * Whether a refusal of this cause is worth an audit row. Not for requests of no known resource, a
     * rate limit (the flood it limits would become a flood of rows), or the hub's own failures
     * (logged instead; the audit log lives in the very database that may have failed).
     */
    public boolean audited() {
        return audited;
    }

    /** How long the client is asked to wait before it tries again, when the cause is temporary. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The constant of a certificate the PKI refused; every PKI cause has one, checked by the compiler. */
    public static Refusal of(RefusalCause cause) {
        return switch (cause) {
            case NO_CERTIFICATE -> NO_CERTIFICATE;
            case UNKNOWN_ISSUER -> UNKNOWN_ISSUER;
            case BAD_SIGNATURE -> BAD_SIGNATURE;
            case WEAK_SIGNATURE -> WEAK_SIGNATURE;
            case INVALID_CHAIN -> INVALID_CHAIN;
            case EXPIRED -> EXPIRED;
            case NOT_YET_VALID -> NOT_YET_VALID;
            case REVOKED -> REVOKED;
            case CRL_EXPIRED -> CRL_EXPIRED;
            case WEAK_KEY -> WEAK_KEY;
            case MISSING_CLIENT_AUTH -> MISSING_CLIENT_AUTH;
            case NO_MAC -> NO_MAC;
            case MAC_MISMATCH -> MAC_MISMATCH;
        };
    }
}
