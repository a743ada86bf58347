package io.hub.phone.call;

/**
 * What a phone measures of the media it receives, as RFC 3550 defines it (appendix A.1 and A.8):
 * packets expected from the sequence numbers (with wrap-around), received, lost, and the
 * interarrival jitter in timestamp units, smoothed by 1/16.
 */
final class ReceiveStats {

    private final int clockRate;
    private long received;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private double jitter;
    private int lastTransit;
    private long authFailures;

    /** @param clockRate RTP timestamp units per second (8000 for G.711) */
    ReceiveStats(int clockRate) {
        this.clockRate = clockRate;
    }

    /** One authenticated packet: its sequence number, timestamp and arrival time. */
    void packet(int seq, long timestamp, long arrivalNanos) {
        long arrival = arrivalNanos / 1_000_000L * clockRate / 1000L
                + (arrivalNanos % 1_000_000L) * clockRate / 1_000_000_000L;
        // 32-bit arithmetic as RFC 3550's sample code: the RTP timestamp wraps, and so does transit.
        int transit = (int) arrival - (int) timestamp;
        if (received == 0) {
            baseSeq = seq;
            maxSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta != 0 && delta < 0x8000) {
                if (seq < maxSeq) {
                    cycles += 0x10000;
                }
                maxSeq = seq;
            }
            int d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        received++;
    }

    void authFailure() {
        authFailures++;
    }

    long received() {
        return received;
    }

    long expected() {
        return received == 0 ? 0 : cycles + maxSeq - baseSeq + 1;
    }

    long lost() {
        return Math.max(0, expected() - received);
    }

    double lossPercent() {
        long expected = expected();
        return expected == 0 ? 0 : 100.0 * lost() / expected;
    }

    double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }

    long authFailures() {
        return authFailures;
    }
}
