package io.hub.relay;

import java.util.BitSet;
import java.util.Random;
import java.util.Set;

/**
 * Which ports of the relay range are taken. A pair is an even RTP port and the odd port above it
 * (RFC 3550 §11); an rtcp-mux leg takes one port of either parity.
 *
 * <p>Each choice is uniform among the free candidates, not the next free one, so a port cannot be
 * guessed from the last allocation: spraying a range at random is what "RTP bleed" attacks do, and
 * predictable ports make it cheaper. Thread-safe.
 */
final class PortAllocator {

    private final int min;
    private final int max;
    private final Random random;
    private final BitSet taken = new BitSet();

    PortAllocator(int min, int max, Random random) {
        this.min = min;
        this.max = max;
        this.random = random;
    }

    /**
     * Reserves an even port and the one above it, skipping {@code excluded} (ports the system refused).
     *
     * @return the even port
     * @throws PortsExhaustedException if no pair is free
     */
    synchronized int reservePair(Set<Integer> excluded) throws PortsExhaustedException {
        int port = pick(true, excluded);
        taken.set(port - min, port - min + 2);
        return port;
    }

    /** Reserves one port for an rtcp-mux leg; {@link #reservePair} for the rest of the contract. */
    synchronized int reserveSingle(Set<Integer> excluded) throws PortsExhaustedException {
        int port = pick(false, excluded);
        taken.set(port - min);
        return port;
    }

    synchronized void free(int port) {
        if (port >= min && port <= max) {
            taken.clear(port - min);
        }
    }

    synchronized int freePorts() {
        return max - min + 1 - taken.cardinality();
    }

    private int pick(boolean pair, Set<Integer> excluded) throws PortsExhaustedException {
        int candidates = 0;
        for (int port = first(pair); port <= last(pair); port += pair ? 2 : 1) {
            if (usable(port, pair, excluded)) {
                candidates++;
            }
        }
        if (candidates == 0) {
            throw new PortsExhaustedException("no free relay " + (pair ? "port pair" : "port") + " in " + min + "-" + max);
        }
        int chosen = random.nextInt(candidates);
        for (int port = first(pair); ; port += pair ? 2 : 1) {
            if (usable(port, pair, excluded) && chosen-- == 0) {
                return port;
            }
        }
    }

    private int first(boolean pair) {
        return pair && (min & 1) != 0 ? min + 1 : min;
    }

    private int last(boolean pair) {
        return pair ? max - 1 : max;
    }

    private boolean usable(int port, boolean pair, Set<Integer> excluded) {
        // excluded is nearly always empty: asking it first would box every port of the range.
        boolean none = excluded.isEmpty();
        if (taken.get(port - min) || (!none && excluded.contains(port))) {
            return false;
        }
        return !pair || (!taken.get(port + 1 - min) && (none || !excluded.contains(port + 1)));
    }
}
