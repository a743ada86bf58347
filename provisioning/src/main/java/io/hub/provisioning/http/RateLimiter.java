package io.hub.provisioning.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets by key (a {@link SourceKey}, a certificate): {@code capacity} tokens, refilled at
 * {@code perSecond}. Time comes from a {@link Clock}.
 *
 * <p>The table is a Caffeine cache on the same clock. A key left alone for as long as its bucket
 * takes to refill from empty is forgotten: its bucket is full, so forgetting it changes nothing.
 * Past {@code maxKeys} Caffeine drops keys by frequency and recency (W-TinyLFU), never more than it
 * must: a key in use, whether it spent its budget or not, survives any number of fresh keys sprayed
 * after it, so nobody's bucket is reset because somebody else sprayed keys.
 *
 * <p>No lock is shared between keys: the table is concurrent, and each bucket is locked alone while
 * it is refilled and spent, so requests from different sources never wait for each other.
 */
public final class RateLimiter {

    /** The default bound of the table. */
    public static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final Cache<String, Bucket> buckets;
    private final AtomicLong evicted = new AtomicLong();

    public RateLimiter(double capacity, double perSecond, Clock clock) {
        this(capacity, perSecond, clock, MAX_KEYS);
    }

    /**
     * @throws IllegalArgumentException when {@code maxKeys} is below 1, or the bucket never refills
     */
    public RateLimiter(double capacity, double perSecond, Clock clock, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
        }
        if (!(capacity > 0) || !(perSecond > 0)) {
            throw new IllegalArgumentException("capacity and perSecond must be above 0, not " + capacity + " and "
                    + perSecond);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofMillis((long) Math.ceil(capacity / perSecond * 1000)))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // Evictions run in the caller's thread, so the table is within its bound when a call returns.
                .executor(Runnable::run)
                .<String, Bucket>evictionListener((key, bucket, cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evicted.incrementAndGet();
                    }
                })
                .build();
    }

    /** Takes a token for {@code key}; empty when granted, else how long until one is available. */
    public Optional<Duration> acquire(String key) {
        long now = clock.millis();
        Bucket bucket = buckets.get(key, fresh -> new Bucket(capacity, now));
        synchronized (bucket) {
            bucket.refill(now, capacity, perSecond);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(wait(bucket));
        }
    }

    /** Whether a token is left for {@code key}, without taking it; empty when one is. */
    public Optional<Duration> peek(String key) {
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket == null) {
            return Optional.empty();
        }
        synchronized (bucket) {
            bucket.refill(clock.millis(), capacity, perSecond);
            return bucket.tokens >= 1 ? Optional.empty() : Optional.of(wait(bucket));
        }
    }

    /** How many keys the table holds (at most the bound). */
    public int size() {
        buckets.cleanUp();
        return (int) buckets.estimatedSize();
    }

    /** How many keys were dropped to keep the table within its bound (idle keys forgotten are not counted). */
    public long evicted() {
        return evicted.get();
    }

    /**
     * Publishes the table's size and its evictions as {@code hub.http.rate.keys} and
     * {@code hub.http.rate.evicted}, tagged with the {@code port} and the {@code limit} it is.
     *
     * @return this limiter
     */
    public RateLimiter measured(MeterRegistry metrics, String port, String limit) {
        Tags tags = Tags.of("port", port, "limit", limit);
        Gauge.builder("hub.http.rate.keys", this, RateLimiter::size).tags(tags)
                .description("keys (sources, certificates, devices) a rate limit holds a bucket for now; each "
                        + "table is bounded").register(metrics);
        FunctionCounter.builder("hub.http.rate.evicted", this, RateLimiter::evicted).tags(tags)
                .description("keys a rate limit dropped to stay within its bound (a flood of new keys)")
                .register(metrics);
        return this;
    }

    private Duration wait(Bucket bucket) {
        return Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000)));
    }

    /** Guarded by itself. */
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
