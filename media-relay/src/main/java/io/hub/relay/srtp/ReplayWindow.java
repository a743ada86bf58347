package io.hub.relay.srtp;

/**
 * The sliding replay list of RFC 3711 §3.3.2: the highest authenticated index and a bitmap of the 64
 * indices below and including it. {@link #isFresh} is asked before authentication and
 * {@link #accept} only after, so a forged packet never moves the window.
 */
final class ReplayWindow {

    static final int SIZE = 64;

    private long highest = -1;
    private long seen;

    boolean isFresh(long index) {
        if (highest < 0 || index > highest) {
            return true;
        }
        long behind = highest - index;
        return behind < SIZE && (seen & (1L << behind)) == 0;
    }

    void accept(long index) {
        if (highest < 0) {
            highest = index;
            seen = 1;
        } else if (index > highest) {
            long ahead = index - highest;
            seen = ahead >= SIZE ? 1 : (seen << ahead) | 1;
            highest = index;
        } else {
            seen |= 1L << (highest - index);
        }
    }
}
