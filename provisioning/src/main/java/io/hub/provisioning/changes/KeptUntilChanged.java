package io.hub.provisioning.changes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Values loaded from the database and kept until a {@link ConfigChange} reaches them: bounded in
 * size (a flood of distinct keys evicts, its size is the gauge {@code name}) and in age ({@code
 * maxAge} on the injected clock, for a change whose notice another node could not send). Absent
 * values (null loads) are never kept, so unknown keys cannot fill it.
 *
 * @param <K> the key, whose {@link #reaches} a device-scoped change names directly
 * @param <V> the value
 */
public final class KeptUntilChanged<K, V> {

    private final ConfigChanges changes;
    private final Cache<K, V> kept;
    private final BiPredicate<ConfigChange, V> reaches;
    private final Function<ConfigChange, K> deviceKey;

    /**
     * @param reaches whether a change reaches a kept value
     * @param deviceKey the one key a {@link ConfigChange.Scope#DEVICE} change reaches, so it costs no scan
     */
    public KeptUntilChanged(ConfigChanges changes, String name, String description, int maxSize, Duration maxAge,
            Clock clock, MeterRegistry metrics, BiPredicate<ConfigChange, V> reaches,
            Function<ConfigChange, K> deviceKey) {
        this.changes = changes;
        this.reaches = reaches;
        this.deviceKey = deviceKey;
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        // Upkeep on the caller's thread: handed to the common pool, it woke a thread every few reads.
        this.kept = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(maxAge).ticker(ticker)
                .executor(Runnable::run).build();
        Gauge.builder(name, kept, Cache::estimatedSize).description(description + " (at most " + maxSize + ")")
                .register(metrics);
        changes.follow(this::drop);
    }

    /**
     * The kept value of {@code key}, or what {@code load} gives, kept when not null and when no change
     * was announced while it loaded.
     */
    public V get(K key, Supplier<V> load) {
        return get(key, load, value -> true);
    }

    /**
     * As {@link #get(Object, Supplier)}, loading again (and keeping the new value in its place) when
     * the kept value is not {@code usable}.
     */
    public V get(K key, Supplier<V> load, java.util.function.Predicate<V> usable) {
        V value = kept.getIfPresent(key);
        if (value != null && usable.test(value)) {
            return value;
        }
        long before = changes.epoch();
        value = load.get();
        if (value != null && changes.epoch() == before) {
            kept.put(key, value);
            if (changes.epoch() != before) {
                // A change came between the check and the put; its drop may have run before the put.
                kept.invalidate(key);
            }
        }
        return value;
    }

    /** The value kept for {@code key}, or null. */
    public V kept(K key) {
        return kept.getIfPresent(key);
    }

    /**
     * Keeps {@code value}, loaded by another key than its own, unless a change was announced since
     * {@code epochBefore} (read with {@link #epoch()} before the load).
     */
    public void keep(K key, V value, long epochBefore) {
        if (changes.epoch() == epochBefore) {
            kept.put(key, value);
            if (changes.epoch() != epochBefore) {
                kept.invalidate(key);
            }
        }
    }

    /** The change count to read before a load handed to {@link #keep}. */
    public long epoch() {
        return changes.epoch();
    }

    /** Forgets {@code key}'s value. */
    public void forget(K key) {
        kept.invalidate(key);
    }

    /** How many values are kept (an estimate, as the gauge). */
    public long size() {
        kept.cleanUp();
        return kept.estimatedSize();
    }

    private void drop(ConfigChange change) {
        if (change.scope() == ConfigChange.Scope.DEVICE) {
            kept.invalidate(deviceKey.apply(change));
        } else if (change.scope() == ConfigChange.Scope.ALL) {
            kept.invalidateAll();
        } else {
            kept.asMap().values().removeIf(value -> reaches.test(change, value));
        }
    }
}
