package io.hub.sip.registrar;

import io.hub.sip.transport.WindowCounts;
import java.time.Clock;

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

    private final int perSecond;
    private final WindowCounts<String> counts;

    /** @param perSecond REGISTERs one AOR may make in a second */
    RegisterRate(int perSecond, Clock clock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("registersPerAorPerSecond must be at least 1: " + perSecond);
        }
        this.perSecond = perSecond;
        this.counts = new WindowCounts<>(1_000, MAX_AORS, clock);
    }

    /** Counts one authenticated REGISTER of {@code aor}; false when the AOR is over its rate. */
    boolean allow(String aor) {
        return counts.count(aor) <= perSecond;
    }

    /** AORs being counted now. */
    int aors() {
        return counts.size();
    }
}
