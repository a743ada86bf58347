package io.hub.pki;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A look at some PKI files, kept for {@link #EVERY_NANOS} unless this process wrote a PKI file since
 * ({@link LocalWrites}): a change this process makes is seen by the next call, one another process
 * makes by the first call that long after it. What requests ask on every call (the validator's state,
 * whether a device is revoked) would otherwise cost them a file status call or more each.
 */
final class RecentLook<T> {

    /**
     * How long a look serves. Three file status calls a request were a seventh of a kept-alive fetch's
     * CPU, and one a REGISTER about as much; a millisecond is far less than another process's command
     * takes to end, and a kept-alive fetch or a REGISTER far less than a millisecond.
     */
    static final long EVERY_NANOS = 1_000_000;

    private final Supplier<T> look;
    /** A monotonic clock for the window only. */
    private final LongSupplier nanoTime;
    private volatile Looked<T> last;

    RecentLook(Supplier<T> look, LongSupplier nanoTime) {
        this.look = look;
        this.nanoTime = nanoTime;
    }

    /** What the last look found, or a new look's finding when this process wrote or the last look is old. */
    T get() {
        // Read before the files: a write of this process landing during the look makes the next call look again.
        long writes = LocalWrites.count();
        long now = nanoTime.getAsLong();
        Looked<T> seen = last;
        if (seen != null && seen.localWrites() == writes && now - seen.atNanos() < EVERY_NANOS) {
            return seen.found();
        }
        T found = look.get();
        last = new Looked<>(writes, now, found);
        return found;
    }

    private record Looked<T>(long localWrites, long atNanos, T found) {
    }
}
