package io.hub.sip;

import io.hub.pki.MutableClock;
import io.hub.sip.call.CallTimers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Call timers on a {@link MutableClock}: a task is due at the clock's time when it was scheduled
 * plus its delay, and runs, on the test's thread, only when the test moves the clock with
 * {@link #advance}. Ring, transaction and ACK timeouts are then tested without sleeping.
 */
public final class HandMovedTimers implements CallTimers {

    /** Tasks that schedule further tasks as they run; more rounds than that is a loop. */
    private static final int MAX_ROUNDS = 1_000;

    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;
    private boolean closed;

    public HandMovedTimers(MutableClock clock) {
        this.clock = clock;
    }

    private static final class Task implements Timer {
        final Instant due;
        final long order;
        final Runnable work;
        volatile boolean cancelled;

        Task(Instant due, long order, Runnable work) {
            this.due = due;
            this.order = order;
            this.work = work;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(clock.instant().plus(delay), sequence++, task);
        if (!closed) {
            tasks.add(scheduled);
        }
        return scheduled;
    }

    /** Moves the clock by {@code by} and runs every task due by then, earliest first. */
    public void advance(Duration by) {
        clock.advance(by);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Task next = nextDue();
            if (next == null) {
                return;
            }
            if (!next.cancelled) {
                next.work.run();
            }
        }
        throw new IllegalStateException("timers kept scheduling due tasks for " + MAX_ROUNDS + " rounds");
    }

    /** Tasks scheduled, not cancelled and not yet run. */
    public synchronized int pending() {
        return (int) tasks.stream().filter(task -> !task.cancelled).count();
    }

    private synchronized Task nextDue() {
        Instant now = clock.instant();
        Task next = tasks.stream().filter(task -> !task.due.isAfter(now))
                .min(Comparator.comparing((Task task) -> task.due).thenComparingLong(task -> task.order)).orElse(null);
        if (next != null) {
            tasks.remove(next);
        }
        return next;
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
