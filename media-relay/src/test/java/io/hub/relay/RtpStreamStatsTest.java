package io.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RtpStreamStatsTest {

    private static final long MS = 1_000_000;

    @Test
    void aSkippedSequenceNumberIsOneLostPacket() {
        RtpStreamStats stats = new RtpStreamStats(8000);
        for (int seq = 0; seq < 20; seq++) {
            if (seq != 7) {
                stats.onPacket(1, seq, seq * 160, seq * 20 * MS);
            }
        }
        assertEquals(1, stats.lost());
        assertEquals(20, stats.expected());
        assertEquals(0.0, stats.jitterUnits(), "perfectly paced");
    }

    @Test
    void lossIsCountedAcrossTheSequenceWrap() {
        RtpStreamStats stats = new RtpStreamStats(8000);
        int seq = 65530;
        for (int i = 0; i < 12; i++, seq = (seq + 1) & 0xffff) {
            if (i != 3 && i != 8) {
                stats.onPacket(1, seq, i * 160, i * 20 * MS);
            }
        }
        assertEquals(2, stats.lost());
    }

    @Test
    void jitterFollowsRfc3550WithOneLatePacket() {
        RtpStreamStats stats = new RtpStreamStats(8000);
        stats.onPacket(1, 0, 0, 0);
        stats.onPacket(1, 1, 160, 20 * MS);
        // 10 ms late is 80 timestamp units: J = 80 / 16 = 5
        stats.onPacket(1, 2, 320, 50 * MS);
        assertEquals(5.0, stats.jitterUnits(), 1e-9);
        // back on time: D = -80, J = 5 + (80 - 5) / 16
        stats.onPacket(1, 3, 480, 60 * MS);
        assertEquals(5.0 + 75.0 / 16, stats.jitterUnits(), 1e-9);
        assertEquals(stats.jitterUnits() / 8, stats.jitterMillis(), 1e-9);
    }

    @Test
    void aJumpIsBelievedOnlyWhenTheNextPacketFollowsIt() {
        RtpStreamStats stats = new RtpStreamStats(8000);
        stats.onPacket(1, 100, 0, 0);
        stats.onPacket(1, 101, 160, 20 * MS);
        stats.onPacket(1, 30000, 320, 40 * MS);
        assertEquals(0, stats.lost(), "a stray jump is not 29898 losses");
        stats.onPacket(1, 30001, 480, 60 * MS);
        stats.onPacket(1, 30003, 640, 80 * MS);
        assertEquals(1, stats.lost(), "the sender restarted at 30000; 30002 is missing");
    }
}
