package io.hub.pki;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of validating a device certificate: an identity, or one refusal cause with a detail
 * for the log. Exactly one of {@link #identity()} and {@link #refusal()} is present.
 */
public final class DeviceValidation {

    private final DeviceIdentity identity;
    private final RefusalCause refusal;
    private final String detail;
    private final String fingerprint;

    private DeviceValidation(DeviceIdentity identity, RefusalCause refusal, String detail, String fingerprint) {
        this.identity = identity;
        this.refusal = refusal;
        this.detail = detail;
        this.fingerprint = fingerprint;
    }

    static DeviceValidation accepted(DeviceIdentity identity) {
        return new DeviceValidation(Objects.requireNonNull(identity), null, "accepted", identity.fingerprint());
    }

    static DeviceValidation refused(RefusalCause cause, String detail, String fingerprint) {
        return new DeviceValidation(null, Objects.requireNonNull(cause), detail, fingerprint);
    }

    public boolean isAccepted() {
        return identity != null;
    }

    public Optional<DeviceIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    public Optional<RefusalCause> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** The identity of an accepted certificate; throws {@link IllegalStateException} on a refusal. */
    public DeviceIdentity identityOrThrow() {
        if (identity == null) {
            throw new IllegalStateException("certificate refused: " + refusal.code() + " (" + detail + ")");
        }
        return identity;
    }

    /** What exactly failed (which certificate, which field), for the audit log. */
    public String detail() {
        return detail;
    }

    /** The SHA-256 fingerprint of the leaf certificate, or empty when none was presented. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return isAccepted() ? "accepted " + identity.mac() : "refused " + refusal.code() + ": " + detail;
    }
}
