package io.hub.provisioning.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a source address, a certificate): {@code capacity} tokens, refilled at
 * {@code perSecond}. Time comes from a {@link Clock}. The table is bounded: when it grows past its
 * limit, buckets that have refilled completely (idle keys) are dropped first.
 */
public final class RateLimiter {

    private static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double capacity, double perSecond, Clock clock) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Takes a token for {@code key}; empty when granted, else how long until one is available. */
    public Optional<Duration> acquire(String key) {
        if (buckets.size() > MAX_KEYS) {
            evictIdle();
        }
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        synchronized (bucket) {
            bucket.refill(now, capacity, perSecond);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            long waitMillis = (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000);
            return Optional.of(Duration.ofMillis(Math.max(waitMillis, 1)));
        }
    }

    /** Whether a token is left for {@code key}, without taking it; empty when one is. */
    public Optional<Duration> peek(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return Optional.empty();
        }
        synchronized (bucket) {
            bucket.refill(clock.millis(), capacity, perSecond);
            if (bucket.tokens >= 1) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000))));
        }
    }

    private void evictIdle() {
        long now = clock.millis();
        buckets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                entry.getValue().refill(now, capacity, perSecond);
                return entry.getValue().tokens >= capacity;
            }
        });
        if (buckets.size() > MAX_KEYS) {
            buckets.clear();
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }

        void refill(long now, double capacity, double perSecond) {
            if (now > updated) {
                tokens = Math.min(capacity, tokens + (now - updated) / 1000.0 * perSecond);
                updated = now;
            }
        }
    }
}
