package io.hub.pki;

import java.time.Instant;
import java.util.Objects;

/**
 * What one PKI decided about one manufacturer CA, as nodes of a cluster exchange it: trusted (under a
 * name, MAC rule and kind) or untrusted, and when. Of two records of the same CA, the later decision
 * stands.
 *
 * @param fingerprint the SHA-256 of the CA certificate, hex
 * @param certificate the DER of the CA certificate; null for an untrusted CA (its file is gone)
 * @param decidedAt when it was trusted (or trusted with its current rule) or untrusted
 */
public record TrustRecord(String fingerprint, String name, byte[] certificate, String macRule, boolean generic,
        boolean trusted, Instant decidedAt) {

    public TrustRecord {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(decidedAt, "decidedAt");
        if (trusted && (certificate == null || macRule == null)) {
            throw new IllegalArgumentException("a trusted CA's record needs its certificate and MAC rule");
        }
    }

    /** True when this record was decided after {@code other}, so it replaces it. */
    public boolean laterThan(TrustRecord other) {
        return decidedAt.isAfter(other.decidedAt);
    }
}
