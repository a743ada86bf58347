package io.hub.phone.srtp;

/**
 * The rollover counter and highest sequence number SRTP keeps per SSRC (RFC 3711 §3.3.1), and the
 * index estimate of its Appendix A: the rollover count that puts a sequence number closest to the
 * highest one seen.
 */
final class Rollover {

    private boolean started;
    private long roc;
    private int highest;

    /** The rollover count of the packet with {@code seq}: one less or more near a wrap, 0 first. */
    long estimate(int seq) {
        if (!started) {
            return 0;
        }
        if (highest < 0x8000) {
            return seq - highest > 0x8000 ? roc - 1 : roc;
        }
        return highest - 0x8000 > seq ? roc + 1 : roc;
    }

    /** Takes a packet of rollover count {@code v} and {@code seq} as sent or authenticated. */
    void update(long v, int seq) {
        if (!started || v > roc) {
            started = true;
            roc = v;
            highest = seq;
        } else if (v == roc && seq > highest) {
            highest = seq;
        }
    }
}
