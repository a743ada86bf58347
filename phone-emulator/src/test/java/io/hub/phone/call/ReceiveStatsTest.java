package io.hub.phone.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReceiveStatsTest {

    private static final long MS = 1_000_000L;

    @Test
    void packetsOnTimeHaveNoJitterAndGapsAreLoss() {
        ReceiveStats stats = new ReceiveStats(8000);
        int seq = 65530;
        long timestamp = 4_294_967_000L;
        for (int i = 0; i < 20; i++) {
            if (i != 7 && i != 8) {
                stats.packet((seq + i) & 0xffff, (timestamp + 160L * i) & 0xffffffffL, 1000 * MS + 20 * MS * i);
            }
        }
        assertEquals(20, stats.expected(), "across the sequence number and timestamp wrap");
        assertEquals(18, stats.received());
        assertEquals(2, stats.lost());
        assertEquals(10.0, stats.lossPercent(), 1e-9);
        assertEquals(0.0, stats.jitterMillis(), 1e-9);
    }

    @Test
    void jitterFollowsRfc3550() {
        ReceiveStats stats = new ReceiveStats(8000);
        stats.packet(1, 0, 0);
        stats.packet(2, 160, 30 * MS); // 10 ms late: D = 80 units, J = 80/16 = 5 units
        assertEquals(5.0 / 8, stats.jitterMillis(), 1e-9);
        stats.packet(3, 320, 40 * MS); // back on time: D = 80, J = 5 + (80 - 5)/16
        assertEquals((5 + 75 / 16.0) / 8, stats.jitterMillis(), 1e-9);
    }

    @Test
    void duplicatesAndLatePacketsDoNotMoveTheHighestSequence() {
        ReceiveStats stats = new ReceiveStats(8000);
        stats.packet(10, 0, 0);
        stats.packet(12, 320, 40 * MS);
        stats.packet(11, 160, 45 * MS);
        stats.packet(12, 320, 46 * MS);
        assertEquals(3, stats.expected());
        assertEquals(0, stats.lost(), "a duplicate makes up for nothing, and loss is never negative");
    }
}
