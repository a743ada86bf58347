package io.hub.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void aSpentKeyStaysLimitedAfterMoreFreshKeysThanTheTableHolds() {
        RateLimiter limiter = new RateLimiter(3, 1, clock);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.acquire("198.51.100.7").isEmpty());
        }
        assertTrue(limiter.acquire("198.51.100.7").isPresent());
        for (int i = 0; i < RateLimiter.MAX_KEYS + 1; i++) {
            limiter.acquire("fresh-" + i);
            if (i % 10_000 == 0) {
                // The spent key is in use all along, as an attacker's own address would be.
                assertTrue(limiter.acquire("198.51.100.7").isPresent(), "after " + i + " fresh keys");
            }
        }
        assertTrue(limiter.acquire("198.51.100.7").isPresent());
        assertEquals(RateLimiter.MAX_KEYS, limiter.size());
        assertTrue(limiter.evicted() > 0);
    }

    @Test
    void aFullTableDropsFreshKeysBeforeAKeyInUse() {
        RateLimiter limiter = new RateLimiter(1, 1, clock, 3);
        for (String key : new String[] {"a", "b", "c", "a", "a"}) {
            limiter.acquire(key);
        }
        for (char key = 'd'; key <= 'z'; key++) {
            limiter.acquire(String.valueOf(key));
        }

        assertEquals(3, limiter.size());
        assertEquals(23, limiter.evicted(), "one key dropped for each key beyond the bound");
        assertTrue(limiter.peek("a").isPresent(), "a, in use, keeps its spent bucket");
    }

    @Test
    void itsTableSizeAndEvictionsAreMetricsOfItsPortAndLimit() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        RateLimiter limiter = new RateLimiter(1, 1, clock, 3).measured(metrics, "device", "requests-per-source");
        for (char key = 'a'; key <= 'z'; key++) {
            limiter.acquire(String.valueOf(key));
        }

        assertEquals(3.0, metrics.get("hub.http.rate.keys").tags("port", "device", "limit", "requests-per-source")
                .gauge().value(), "at its bound, not 26");
        assertEquals(23.0, metrics.get("hub.http.rate.evicted").tags("port", "device", "limit", "requests-per-source")
                .functionCounter().count());
    }

    @Test
    void anIdleKeyIsForgottenOnceItsBucketHasRefilledAndNotBefore() {
        MutableClock time = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        RateLimiter limiter = new RateLimiter(2, 1, time);
        limiter.acquire("198.51.100.7");
        limiter.acquire("198.51.100.7");
        assertTrue(limiter.peek("198.51.100.7").isPresent());

        time.advance(Duration.ofMillis(1_500));
        assertEquals(1, limiter.size(), "half refilled: still counted");
        time.advance(Duration.ofSeconds(3));

        assertEquals(0, limiter.size(), "2 s idle refills the bucket, so it is forgotten");
        assertEquals(0, limiter.evicted(), "forgetting an idle key is no eviction");
        assertTrue(limiter.acquire("198.51.100.7").isEmpty());
    }

    @Test
    void aBucketThatNeverRefillsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(5, 0, clock));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(5, 1, clock, 0));
    }

    @Test
    void tenThousandIpv6SourcesInOneSlash64ShareOneBucket() throws Exception {
        RateLimiter limiter = new RateLimiter(100, 1, clock);
        int granted = 0;
        for (int i = 0; i < 10_000; i++) {
            InetAddress address = InetAddress.getByName("2001:db8:5:6:" + Integer.toHexString(i >> 8) + ":"
                    + Integer.toHexString(i & 0xff) + ":0:1");
            if (limiter.acquire(SourceKey.of(address)).isEmpty()) {
                granted++;
            }
        }
        assertEquals(100, granted);
        assertEquals(1, limiter.size());
        assertTrue(limiter.acquire(SourceKey.of(InetAddress.getByName("2001:db8:5:7::1"))).isEmpty(),
                "the next /64 has its own bucket");
    }

    @Test
    void sourceKeysAreTheIpv4AddressOrTheIpv6Slash64() throws Exception {
        assertEquals("192.0.2.7", SourceKey.of(InetAddress.getByName("192.0.2.7")));
        assertEquals("2001:db8:0:2::/64", SourceKey.of(InetAddress.getByName("2001:db8:0:2:aaaa::1")));
        assertEquals("192.0.2.7", SourceKey.of(InetAddress.getByName("::ffff:192.0.2.7")));
        assertEquals("2001:db8:0:2::/64", SourceKey.ofLiteral("2001:db8:0:2:aaaa::1"));
        assertEquals("192.0.2.7", SourceKey.ofLiteral("192.0.2.7"));
        assertEquals("not an address", SourceKey.ofLiteral("not an address"));
    }
}
