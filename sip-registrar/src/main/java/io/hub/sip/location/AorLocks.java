package io.hub.sip.location;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per AOR, striped: an AOR's read-change-store-apply runs under its lock, so REGISTERs of
 * the same AOR are applied one after the other while those of other AORs go on (and share a commit,
 * {@link GroupCommit}). A fixed array of locks keeps memory bounded whatever AORs arrive; two AORs
 * share a lock only when their hashes meet in one of {@value #STRIPES} stripes.
 */
final class AorLocks {

    static final int STRIPES = 4096;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    AorLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(String aor) {
        int hash = aor.hashCode();
        return locks[(hash ^ (hash >>> 16)) & (STRIPES - 1)];
    }
}
