package io.hub.sip.registrar;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The highest {@code nc} answered for each nonce, so that an answer seen before is refused.
 *
 * <p>This process's own nonces carry a sequence number, and their counts sit in a ring of fixed
 * size indexed by it, as Kamailio's {@code nc_array} does: a slot holds the newest answered nonce
 * that maps to it. Its memory does not grow with the rate. A map that kept every nonce answered
 * within its five-minute lifetime held about four million entries at 13,000 registrations a
 * second, and copying them between the young generations was most of the collector's work. A
 * nonce whose slot a newer one took is answered {@link Outcome#OVERTAKEN}: the phone is
 * challenged again ({@code stale=true}) and answers a fresh nonce, never let in on the old one.
 *
 * <p>Nonces another node of the cluster issued (or an earlier process under the same key) are rare
 * here, only after a phone moves between nodes mid-challenge: their counts are kept by nonce until
 * the nonce expires, at most {@code maxForeign} of them. Past that a new foreign nonce is answered
 * {@link Outcome#OVERTAKEN} as well, so that phones answering another node's nonces faster than
 * they expire (a credential misused across nodes) cost a fresh challenge, not memory.
 */
final class NonceCounts {

    /** What an answer's count did. */
    enum Outcome {
        /** The count is higher than any answered for the nonce: let in. */
        ADVANCED,
        /** The nonce was answered with this count or a higher one before. */
        REPLAYED,
        /** The nonce's slot holds a newer nonce: its counts are no longer known. */
        OVERTAKEN
    }

    /** Slots of the ring: at 150 challenges a second (a boot storm) half an hour of them. */
    static final int SLOTS = 1 << 18;
    /** Foreign nonces counted at most (about 250 bytes each). */
    static final int MAX_FOREIGN = 1 << 16;
    private static final int STRIPES = 64;

    private final long[] sequences;
    private final int[] counts;
    private final Object[] stripes = new Object[STRIPES];
    private final long lifetimeMillis;
    private final int maxForeign;
    private final Map<String, Seen> foreign = new ConcurrentHashMap<>();
    /** The foreign nonces in the order they were first answered, for expiry. */
    private final Queue<Issued> foreignOrder = new ConcurrentLinkedQueue<>();

    /** A ring of {@code slots} (a power of two), and at most {@code maxForeign} foreign nonces. */
    NonceCounts(int slots, long lifetimeMillis, int maxForeign) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.sequences = new long[slots];
        this.counts = new int[slots];
        this.lifetimeMillis = lifetimeMillis;
        this.maxForeign = maxForeign;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * An answer to this process's nonce number {@code sequence} (from 1) with count {@code nc},
     * an unsigned 32-bit number.
     */
    Outcome own(long sequence, int nc) {
        int slot = (int) (sequence & (sequences.length - 1));
        // Atomic per slot: two answers with the same nc on two flows at once must not both pass.
        synchronized (stripes[slot & (STRIPES - 1)]) {
            long held = sequences[slot];
            if (held > sequence) {
                return Outcome.OVERTAKEN;
            }
            if (held == sequence && Integer.compareUnsigned(nc, counts[slot]) <= 0) {
                return Outcome.REPLAYED;
            }
            sequences[slot] = sequence;
            counts[slot] = nc;
            return Outcome.ADVANCED;
        }
    }

    /** An answer to a nonce another process issued at {@code issued} (epoch milliseconds). */
    Outcome foreign(String nonce, long issued, int nc, long now) {
        forgetExpired(now);
        Outcome[] outcome = new Outcome[1];
        // The size is read outside the entry's lock: threads racing past it overshoot by one each.
        boolean full = foreign.size() >= maxForeign;
        foreign.compute(nonce, (key, previous) -> {
            if (previous == null && full) {
                outcome[0] = Outcome.OVERTAKEN;
                return null;
            }
            if (previous != null && Integer.compareUnsigned(nc, previous.highest()) <= 0) {
                outcome[0] = Outcome.REPLAYED;
                return previous;
            }
            outcome[0] = Outcome.ADVANCED;
            if (previous == null) {
                foreignOrder.add(new Issued(nonce, issued));
            }
            return new Seen(issued, nc);
        });
        return outcome[0];
    }

    /**
     * Drops the counts of expired foreign nonces from the head of the answer order. A nonce is
     * answered within its lifetime of being issued (an older one is stale before it gets here), so
     * that order is its issue order give or take a lifetime, and the walk stops at the first live one.
     */
    private void forgetExpired(long now) {
        long oldest = now - lifetimeMillis;
        for (Issued head = foreignOrder.peek(); head != null && head.issued() < oldest; head = foreignOrder.peek()) {
            if (foreignOrder.remove(head)) {
                foreign.computeIfPresent(head.nonce(), (key, seen) -> seen.issued() < oldest ? null : seen);
            }
        }
    }

    /** Foreign nonces whose answers are being counted. */
    int foreignTracked() {
        return foreign.size();
    }

    /** A foreign nonce in the answer order, with its issue time. */
    private record Issued(String nonce, long issued) {
    }

    /** The highest nc seen for a foreign nonce, with the nonce's issue time. */
    private record Seen(long issued, int highest) {
    }
}
