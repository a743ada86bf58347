package io.hub.pki;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the PKI files this process wrote or removed. A reader that looks at the files only now and
 * then (the validator's {@linkplain DeviceCertificateValidator#state() state}) compares the count, so
 * a change made by this process, through any {@link HubPki} on the same directory, is seen at once.
 */
final class LocalWrites {

    private static final AtomicLong COUNT = new AtomicLong();

    private LocalWrites() {
    }

    /** A file was written or removed. */
    static void happened() {
        COUNT.incrementAndGet();
    }

    static long count() {
        return COUNT.get();
    }
}
