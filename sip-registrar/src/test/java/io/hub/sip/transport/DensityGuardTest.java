package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-source density limit: its windows, IPv6 prefixes, and the bound on what it keeps. */
class DensityGuardTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final DensityGuard guard = new DensityGuard(3, Duration.ofSeconds(2), clock);

    @Test
    void aSourceOverTheDensityIsRefusedUntilItsWindowEnds() throws Exception {
        InetAddress source = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(guard.allow(source));
        }
        assertFalse(guard.allow(source));
        assertTrue(guard.allow(InetAddress.getByName("192.0.2.2")), "another source has its own window");
        assertEquals(2, guard.retryAfterSeconds(source));

        clock.advance(Duration.ofSeconds(2));

        assertTrue(guard.allow(source));
    }

    @Test
    void ipv6AddressesOfOnePrefixShareAWindow() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertTrue(guard.allow(InetAddress.getByName("2001:db8:1:2::" + i)));
        }
        assertFalse(guard.allow(InetAddress.getByName("2001:db8:1:2:ffff::9")), "same /64, new address");
        assertTrue(guard.allow(InetAddress.getByName("2001:db8:1:3::1")), "the next /64 is another source");
    }

    @Test
    void whatItKeepsIsBoundedInCountAndInTime() throws Exception {
        for (int i = 0; i < DensityGuard.MAX_SOURCES; i++) {
            assertTrue(guard.allow(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
                    (byte) i})));
        }
        InetAddress late = InetAddress.getByName("192.0.2.77");

        assertFalse(guard.allow(late), "no room while every source is inside its window");
        assertEquals(DensityGuard.MAX_SOURCES, guard.sources());

        clock.advance(Duration.ofSeconds(2));

        assertTrue(guard.allow(late), "ended windows are dropped to make room");
        assertEquals(1, guard.sources());
    }
}
