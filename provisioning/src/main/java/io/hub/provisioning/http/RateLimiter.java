package io.hub.provisioning.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Token buckets by key (a {@link SourceKey}, a certificate): {@code capacity} tokens, refilled at
 * {@code perSecond}. Time comes from a {@link Clock}.
 *
 * <p>The table is bounded: past {@code maxKeys} the least recently used key is dropped, and only
 * that one. A key that was used recently, whether it spent its budget or not, survives any number
 * of fresh keys that come after it; nobody's bucket is reset because somebody else sprayed keys.
 * Dropping the least recently used key can only forget a key that has been quiet longest, and a
 * bucket that has been quiet long enough has refilled anyway.
 */
public final class RateLimiter {

    /** The default bound of the table. */
    public static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final int maxKeys;
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true);
    private long evicted;

    public RateLimiter(double capacity, double perSecond, Clock clock) {
        this(capacity, perSecond, clock, MAX_KEYS);
    }

    public RateLimiter(double capacity, double perSecond, Clock clock, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /** Takes a token for {@code key}; empty when granted, else how long until one is available. */
    public synchronized Optional<Duration> acquire(String key) {
        long now = clock.millis();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            bucket = new Bucket(capacity, now);
            buckets.put(key, bucket);
            trim();
        }
        bucket.refill(now, capacity, perSecond);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return Optional.empty();
        }
        return Optional.of(wait(bucket));
    }

    /** Whether a token is left for {@code key}, without taking it; empty when one is. */
    public synchronized Optional<Duration> peek(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return Optional.empty();
        }
        bucket.refill(clock.millis(), capacity, perSecond);
        return bucket.tokens >= 1 ? Optional.empty() : Optional.of(wait(bucket));
    }

    /** How many keys the table holds (at most the bound). */
    public synchronized int size() {
        return buckets.size();
    }

    /** How many keys were dropped to keep the table within its bound. */
    public synchronized long evicted() {
        return evicted;
    }

    private Duration wait(Bucket bucket) {
        return Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000)));
    }

    private void trim() {
        Iterator<Map.Entry<String, Bucket>> oldest = buckets.entrySet().iterator();
        while (buckets.size() > maxKeys && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
            evicted++;
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
