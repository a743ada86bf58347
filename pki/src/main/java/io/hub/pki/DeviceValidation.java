package io.hub.pki;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of validating a device certificate: an identity, or one refusal cause with a detail
 * for the log. Exactly one of {@link #identity()} and {@link #refusal()} is present.
 *
 * @param detail what exactly failed (which certificate, which field), for the audit log; "accepted" otherwise
 * @param fingerprint the SHA-256 fingerprint of the leaf certificate, or empty when none was presented
 */
public record DeviceValidation(Optional<DeviceIdentity> identity, Optional<RefusalCause> refusal, String detail,
        String fingerprint) {

    public DeviceValidation {
        if (identity.isPresent() == refusal.isPresent()) {
            throw new IllegalArgumentException("a validation has an identity or a refusal, not " + identity + " and "
                    + refusal);
        }
    }

    static DeviceValidation accepted(DeviceIdentity identity) {
        return new DeviceValidation(Optional.of(identity), Optional.empty(), "accepted", identity.fingerprint());
    }

    static DeviceValidation refused(RefusalCause cause, String detail, String fingerprint) {
        return new DeviceValidation(Optional.empty(), Optional.of(Objects.requireNonNull(cause)), detail, fingerprint);
    }

    public boolean isAccepted() {
        return identity.isPresent();
    }

    /** The identity of an accepted certificate; throws {@link IllegalStateException} on a refusal. */
    public DeviceIdentity identityOrThrow() {
        return identity.orElseThrow(() -> new IllegalStateException("certificate refused: " + refusal.get().code()
                + " (" + detail + ")"));
    }

    @Override
    public String toString() {
        return identity.map(accepted -> "accepted " + accepted.mac())
                .orElseGet(() -> "refused " + refusal.get().code() + ": " + detail);
    }
}
