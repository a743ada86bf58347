package io.hub.sip.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flood control after Kamailio's pike: requests are counted per source in fixed windows, and a
 * source over the density is refused until its window ends. Flows with a registered phone are not
 * counted (see {@link Flow#trusted()}), so a shared NAT full of phones never trips it.
 *
 * <p>What it keeps is bounded in count and in time: a source is an IPv4 address or an IPv6 /64
 * (one customer's prefix, which an attacker can fill with addresses), windows past their end are
 * dropped at most once a window, and when {@link #MAX_SOURCES} sources are in their window at
 * once a new one is refused until room is made.
 */
final class DensityGuard {

    static final int MAX_SOURCES = 100_000;

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Map<Object, long[]> windows = new ConcurrentHashMap<>();
    private volatile long lastPurge;

    DensityGuard(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Counts one request from {@code source}; false when the source is over the density. */
    boolean allow(InetAddress source) {
        long now = clock.millis();
        Object key = key(source);
        long[] window = windows.get(key);
        if (window == null) {
            if (windows.size() >= MAX_SOURCES && !purge(now)) {
                return false;
            }
            window = windows.computeIfAbsent(key, k -> new long[] {now, 0});
        }
        synchronized (window) {
            if (now - window[0] >= windowMillis) {
                window[0] = now;
                window[1] = 0;
            }
            return ++window[1] <= limit;
        }
    }

    /** Drops ended windows, once a window at most; true when there is room for a new source. */
    private boolean purge(long now) {
        if (now - lastPurge >= windowMillis) {
            lastPurge = now;
            windows.values().removeIf(window -> now - window[0] >= windowMillis);
        }
        return windows.size() < MAX_SOURCES;
    }

    /** Seconds until the current window of {@code source} ends, for Retry-After. */
    long retryAfterSeconds(InetAddress source) {
        long[] window = windows.get(key(source));
        long left = window == null ? 0 : windowMillis - (clock.millis() - window[0]);
        return Math.max(1, (left + 999) / 1000);
    }

    /** Sources being counted now. */
    int sources() {
        return windows.size();
    }

    /** The source a request is counted for: an IPv4 address, or an IPv6 /64. */
    static Object key(InetAddress source) {
        if (source instanceof Inet6Address v6) {
            return new Prefix(Arrays.copyOf(v6.getAddress(), 8));
        }
        return source;
    }

    /** An IPv6 /64. */
    private record Prefix(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Prefix prefix && Arrays.equals(bytes, prefix.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "prefix " + Arrays.toString(bytes);
        }
    }
}
