package io.hub.pki;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Chains the validator accepted, by the certificates presented, with what the acceptance rested on:
 * the anchor, the validator's state (revocations, trusted CAs, imported CRLs) and the time window
 * within which every date of the path, and the anchor's CRL, still hold. A phone presents its chain
 * to the device port (discovery, configuration, status) and then to SIP-TLS within seconds; the path
 * building, the JDK's PKIX check and the revocation checks were a tenth of the hub's CPU in a boot
 * storm, twice for each phone. Only accepted chains are kept, at most {@link #MAX} of them, so a
 * flood of random or refused certificates adds nothing here.
 */
final class KeptPaths {

    static final int MAX = 16_384;

    private final Cache<List<String>, Kept> kept;

    KeptPaths(int max) {
        // Upkeep on the caller's thread: the common pool would be woken by every few reads. An hour at
        // most: a kept acceptance holds on to the state it was reached in, and a site whose phones
        // never come back would otherwise keep old revocation lists alive as long as the hub runs.
        this.kept = Caffeine.newBuilder().maximumSize(max).expireAfterWrite(Duration.ofHours(1))
                .executor(Runnable::run).build();
    }

    /** An accepted chain's anchor, and what its leaf names by that anchor's rule. */
    record Acceptance(TrustedManufacturer anchor, LeafNames names) {
    }

    /** What an acceptance rested on; it holds while the state is equal and the time within the window. */
    private record Kept(Acceptance acceptance, Object state, long fromMillis, long untilMillis) {
        boolean holds(Object now, long millis) {
            return millis >= fromMillis && millis <= untilMillis && state.equals(now);
        }
    }

    /**
     * The key of a presented chain: its certificates' SHA-256 fingerprints in order, the leaf's
     * ({@code leafFingerprint}, which the validator has already taken) first.
     */
    static List<String> key(List<X509Certificate> presented, String leafFingerprint) {
        return Stream.concat(Stream.of(leafFingerprint), presented.stream().skip(1).map(Fingerprints::sha256))
                .toList();
    }

    /** The acceptance of the chain keyed {@code key} when it still holds, else empty. */
    Optional<Acceptance> accepted(List<String> key, Object state, long nowMillis) {
        Kept found = kept.getIfPresent(key);
        return found != null && found.holds(state, nowMillis) ? Optional.of(found.acceptance()) : Optional.empty();
    }

    /**
     * Keeps an acceptance reached in {@code state}: valid while every certificate of {@code path} and
     * the anchor is, and while the anchor's imported CRL, if any, is before its next update.
     */
    void keep(List<String> key, List<X509Certificate> path, Acceptance acceptance, Object state,
            Optional<X509CRL> crl) {
        TrustedManufacturer anchor = acceptance.anchor();
        long from = Long.MIN_VALUE;
        long until = Long.MAX_VALUE;
        for (X509Certificate certificate : path) {
            from = Math.max(from, certificate.getNotBefore().getTime());
            until = Math.min(until, certificate.getNotAfter().getTime());
        }
        from = Math.max(from, anchor.certificate().getNotBefore().getTime());
        until = Math.min(until, anchor.certificate().getNotAfter().getTime());
        if (crl.isPresent()) {
            Date nextUpdate = crl.get().getNextUpdate();
            if (nextUpdate == null) {
                return;
            }
            until = Math.min(until, nextUpdate.getTime() - 1);
        }
        kept.put(key, new Kept(acceptance, state, from, until));
    }

    /** How many are kept, once evictions due are done. */
    long size() {
        kept.cleanUp();
        return kept.estimatedSize();
    }
}
