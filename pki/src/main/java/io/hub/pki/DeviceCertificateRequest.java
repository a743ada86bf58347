package io.hub.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An emulated factory certificate to issue.
 *
 * @param mac the phone's MAC
 * @param model the model as the phone reports it, such as {@code Myriad M7}; written as subject OU
 * @param placement where the MAC goes
 * @param lifetime how long the certificate is valid
 * @param notBefore when it becomes valid; empty means now
 * @param keyType the phone's key type
 */
public record DeviceCertificateRequest(MacAddress mac, String model, MacPlacement placement, Duration lifetime,
        Optional<Instant> notBefore, KeyType keyType) {

    /** Factory certificates outlive the phones; twenty years, as manufacturers issue them. */
    public static final Duration FACTORY_LIFETIME = Duration.ofDays(20 * 365);

    public DeviceCertificateRequest {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(keyType, "keyType");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a device certificate needs a model");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a device certificate needs a positive lifetime, not " + lifetime);
        }
    }

    public static DeviceCertificateRequest of(MacAddress mac, String model) {
        return new DeviceCertificateRequest(mac, model, MacPlacement.CN, FACTORY_LIFETIME, Optional.empty(),
                KeyType.EC_P256);
    }
}
