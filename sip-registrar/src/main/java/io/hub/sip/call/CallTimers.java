package io.hub.sip.call;

import java.time.Duration;

/**
 * Where a call's timers run: ring and transaction timeouts, the wait for an ACK, and the
 * clean-up of a call's dialogs. Injected, so tests move time by hand ({@code HandMovedTimers})
 * instead of sleeping; {@link #threaded} is the hub's.
 *
 * <p>A task runs at most once, on a thread of the timers (never on the caller's), and takes its
 * call's lock itself. A task scheduled after {@link #close} never runs.
 */
public interface CallTimers extends AutoCloseable {

    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run yet. */
    Timer schedule(Duration delay, Runnable task);

    /** Stops the timers: tasks not yet run are dropped. */
    @Override
    void close();

    /** A scheduled task. */
    interface Timer {
        /** Keeps the task from running; no effect once it ran. */
        void cancel();
    }

    /** Cancels {@code timer}, if there is one. */
    static void cancel(Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** Timers on one daemon thread of their own, on the system's time. */
    static CallTimers threaded() {
        return new ThreadedCallTimers();
    }
}
