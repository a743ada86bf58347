package io.hub.sip.registrar;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * REGISTERs per AOR per second: one phone's credentials may not make the registrar store its
 * bindings faster than this, however many flows it uses. Counted only once the REGISTER has
 * authenticated, so no one without the password can use up an AOR's allowance and keep its phone
 * out. Fixed one-second windows; the table holds the AORs seen within the last second, swept once a
 * second, and never more than {@link #MAX_AORS} (then the sweep makes room, or the REGISTER waits a
 * second like an AOR over its rate).
 */
final class RegisterRate {

    static final int MAX_AORS = 200_000;
    private static final long WINDOW_MILLIS = 1_000;

    private final int perSecond;
    private final Clock clock;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    /** @param perSecond REGISTERs one AOR may make in a second */
    RegisterRate(int perSecond, Clock clock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("registersPerAorPerSecond must be at least 1: " + perSecond);
        }
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Counts one authenticated REGISTER of {@code aor}; false when the AOR is over its rate. */
    boolean allow(String aor) {
        long now = clock.millis();
        long[] window = windows.get(aor);
        if (window == null) {
            if (windows.size() >= MAX_AORS && !sweep(now)) {
                return false;
            }
            window = windows.computeIfAbsent(aor, key -> new long[] {now, 0});
        }
        synchronized (window) {
            if (now - window[0] >= WINDOW_MILLIS) {
                window[0] = now;
                window[1] = 0;
            }
            return ++window[1] <= perSecond;
        }
    }

    private boolean sweep(long now) {
        if (now - lastSweep >= WINDOW_MILLIS) {
            lastSweep = now;
            windows.values().removeIf(window -> now - window[0] >= WINDOW_MILLIS);
        }
        return windows.size() < MAX_AORS;
    }

    /** AORs counted now. */
    int aors() {
        return windows.size();
    }
}
