package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A few refusal lines a minute per source, the rest counted; an IPv6 /64 is one source. */
class RefusalLogLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final RefusalLogLimiter limiter = new RefusalLogLimiter(clock);

    private int allowed(InetAddress source, int refusals) {
        int allowed = 0;
        for (int i = 0; i < refusals; i++) {
            allowed += limiter.allow(source) ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void aFloodingSourceGetsAFewLinesAMinuteAndAnotherSourceIsNotHeldBack() throws Exception {
        InetAddress flood = InetAddress.getByName("192.0.2.7");
        assertEquals(RefusalLogLimiter.LINES_PER_MINUTE, allowed(flood, 2_000));
        assertTrue(limiter.allow(InetAddress.getByName("192.0.2.8")), "another source has its own lines");

        clock.advance(Duration.ofMinutes(1));
        assertEquals(RefusalLogLimiter.LINES_PER_MINUTE, allowed(flood, 100), "a new minute, a few lines again");
    }

    @Test
    void addressesOfOneIpv6PrefixShareTheirLines() throws Exception {
        assertEquals(RefusalLogLimiter.LINES_PER_MINUTE, allowed(InetAddress.getByName("2001:db8::1"), 3)
                + allowed(InetAddress.getByName("2001:db8::ffff:2"), 10));
        assertTrue(limiter.allow(InetAddress.getByName("2001:db8:0:1::1")), "the next /64 is another source");
    }

    @Test
    void endedMinutesAreForgottenAtTheSweepSoTheTableStaysSmall() throws Exception {
        for (int i = 0; i < 100; i++) {
            limiter.allow(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}));
        }
        assertEquals(100, limiter.sources());
        clock.advance(Duration.ofMinutes(1));
        limiter.sweep();
        assertEquals(0, limiter.sources());
    }

    @Test
    void beyondTheTableBoundRefusalsAreCountedNotLogged() throws Exception {
        for (int i = 0; i < RefusalLogLimiter.MAX_SOURCES; i++) {
            assertTrue(limiter.allow(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
                    (byte) i})));
        }
        assertFalse(limiter.allow(InetAddress.getByName("192.0.2.200")));
        assertEquals(RefusalLogLimiter.MAX_SOURCES, limiter.sources());
    }
}
