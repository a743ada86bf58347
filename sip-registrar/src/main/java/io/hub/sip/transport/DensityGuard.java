package io.hub.sip.transport;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flood control after Kamailio's pike: requests are counted per source address in fixed windows,
 * and an address over the density is refused until its window ends. Flows with a registered phone
 * are not counted (see {@link Flow#trusted()}), so a shared NAT full of phones never trips it.
 */
final class DensityGuard {

    private static final int MAX_ADDRESSES = 100_000;

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Map<InetAddress, long[]> windows = new ConcurrentHashMap<>();

    DensityGuard(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Counts one request from {@code source}; false when the address is over the density. */
    boolean allow(InetAddress source) {
        long now = clock.millis();
        if (windows.size() > MAX_ADDRESSES) {
            windows.values().removeIf(window -> now - window[0] >= windowMillis);
        }
        long[] window = windows.computeIfAbsent(source, address -> new long[] {now, 0});
        synchronized (window) {
            if (now - window[0] >= windowMillis) {
                window[0] = now;
                window[1] = 0;
            }
            return ++window[1] <= limit;
        }
    }

    /** Seconds until the current window of {@code source} ends, for Retry-After. */
    long retryAfterSeconds(InetAddress source) {
        long[] window = windows.get(source);
        long left = window == null ? 0 : windowMillis - (clock.millis() - window[0]);
        return Math.max(1, (left + 999) / 1000);
    }
}
