package io.hub.relay;

/**
 * Loss and interarrival jitter of one RTP stream as RFC 3550 computes them for receiver reports:
 * the extended highest sequence number with its cycles (A.1, without probation, since the relay only
 * counts packets that already authenticated or came from the latched source), expected minus
 * received (A.3), and the jitter estimate J += (|D| - J) / 16 (A.8). A new SSRC starts a new count;
 * what the old one lost is kept. Not thread-safe: the session's lock guards it.
 */
final class RtpStreamStats {

    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;

    private final int clockRate;
    private boolean started;
    private int ssrc;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private int badSeq = -1;
    private long lostBefore;
    private long originNanos;
    private double lastArrival;
    private int lastTimestamp;
    private boolean haveTransit;
    private double jitter;

    RtpStreamStats(int clockRate) {
        this.clockRate = clockRate;
    }

    void onPacket(int ssrc, int seq, int timestamp, long arrivalNanos) {
        if (!started || ssrc != this.ssrc) {
            if (started) {
                lostBefore += currentLost();
            }
            started = true;
            this.ssrc = ssrc;
            originNanos = arrivalNanos;
            haveTransit = false;
            restart(seq);
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += 65536;
                }
                maxSeq = seq;
                received++;
            } else if (delta <= 65536 - MAX_MISORDER) {
                if (seq != badSeq) {
                    // A jump: believed only when the next packet continues from it (the sender restarted).
                    badSeq = (seq + 1) & 0xffff;
                    return;
                }
                lostBefore += currentLost();
                restart(seq);
            } else {
                // late or duplicated: counted, as RFC 3550 does, so duplicates can hide losses
                received++;
            }
        }
        double arrival = (arrivalNanos - originNanos) * (clockRate / 1e9);
        if (haveTransit) {
            double d = (arrival - lastArrival) - (timestamp - lastTimestamp);
            jitter += (Math.abs(d) - jitter) / 16;
        }
        haveTransit = true;
        lastArrival = arrival;
        lastTimestamp = timestamp;
    }

    private void restart(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        received = 1;
        badSeq = -1;
    }

    private long currentLost() {
        long expected = cycles + maxSeq - baseSeq + 1;
        return Math.max(0, expected - received);
    }

    long lost() {
        return lostBefore + (started ? currentLost() : 0);
    }

    long expected() {
        return started ? lostBefore + received + currentLost() : 0;
    }

    double jitterUnits() {
        return jitter;
    }

    double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }
}
