package io.hub.provisioning.devices;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hub.pki.Fingerprints;
import java.security.cert.X509Certificate;

/**
 * SHA-256 fingerprints of the certificates phones present, kept per certificate object: a kept-alive
 * TLS session hands every request the same objects, and each configuration fetch fingerprinted its
 * chain twice (the kept validation's key, the seen-certificate record), a tenth of the hub's own work
 * per fetch. Keys are held weakly and compared by identity, so a certificate no session holds any
 * more drops out; the table is also bounded, so random certificates cannot grow it.
 */
public final class KeptFingerprints {

    /** The most certificate objects whose fingerprints are kept. */
    static final int MAX_KEPT = 100_000;

    // Upkeep on the caller's thread: handed to the common pool, it woke a thread every few reads.
    private static final Cache<X509Certificate, String> KEPT = Caffeine.newBuilder().weakKeys()
            .maximumSize(MAX_KEPT).executor(Runnable::run).build();

    private KeptFingerprints() {
    }

    /** The certificate's SHA-256 fingerprint, lower-case hex, as {@link Fingerprints#sha256}. */
    public static String sha256(X509Certificate certificate) {
        return KEPT.get(certificate, Fingerprints::sha256);
    }
}
