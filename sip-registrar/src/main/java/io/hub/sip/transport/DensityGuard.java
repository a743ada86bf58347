package io.hub.sip.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

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
    private final WindowCounts<Object> counts;

    DensityGuard(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.counts = new WindowCounts<>(window.toMillis(), MAX_SOURCES, clock);
    }

    /** Counts one request from {@code source}; false when the source is over the density. */
    boolean allow(InetAddress source) {
        return counts.count(key(source)) <= limit;
    }

    /** Seconds until the current window of {@code source} ends, for Retry-After. */
    long retryAfterSeconds(InetAddress source) {
        return counts.retryAfterSeconds(key(source));
    }

    /** Sources being counted now. */
    int sources() {
        return counts.size();
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
