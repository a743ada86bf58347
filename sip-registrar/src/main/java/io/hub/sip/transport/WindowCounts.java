package io.hub.sip.transport;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts events per key in fixed windows, bounded in count and in time: windows past their end
 * are dropped at most once a window, and while {@code maxKeys} keys are in their window a new key
 * is not counted (it is answered as over any limit) until room is made. Time comes from the
 * injected clock. What flood control per source and the REGISTER rate per AOR both count with.
 *
 * @param <K> what is counted per: a source, an AOR
 */
public final class WindowCounts<K> {

    /** What {@link #count} answers for a new key while the table is full. */
    public static final int FULL = Integer.MAX_VALUE;

    private final long windowMillis;
    private final int maxKeys;
    private final Clock clock;
    private final Map<K, long[]> windows = new ConcurrentHashMap<>();
    private volatile long lastPurge;

    public WindowCounts(long windowMillis, int maxKeys, Clock clock) {
        this.windowMillis = windowMillis;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /** Counts one event of {@code key}: the events in its current window, this one included, or {@link #FULL}. */
    public int count(K key) {
        long now = clock.millis();
        long[] window = windows.get(key);
        if (window == null) {
            if (windows.size() >= maxKeys && !purge(now)) {
                return FULL;
            }
            window = windows.computeIfAbsent(key, k -> new long[] {now, 0});
        }
        synchronized (window) {
            if (now - window[0] >= windowMillis) {
                window[0] = now;
                window[1] = 0;
            }
            return (int) Math.min(FULL, ++window[1]);
        }
    }

    /** Whole seconds until the current window of {@code key} ends, at least 1: for Retry-After. */
    public long retryAfterSeconds(K key) {
        long[] window = windows.get(key);
        long left = window == null ? 0 : windowMillis - (clock.millis() - window[0]);
        return Math.max(1, (left + 999) / 1000);
    }

    /** Keys being counted now. */
    public int size() {
        return windows.size();
    }

    /** Drops ended windows, once a window at most; true when there is room for a new key. */
    private boolean purge(long now) {
        if (now - lastPurge >= windowMillis) {
            lastPurge = now;
            windows.values().removeIf(window -> now - window[0] >= windowMillis);
        }
        return windows.size() < maxKeys;
    }
}
