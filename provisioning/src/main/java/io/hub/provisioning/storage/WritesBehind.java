package io.hub.provisioning.storage;

import io.hub.pki.log.LogText;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whose caller does not wait for them to be durable, committed together every {@link #EVERY}
 * (or as soon as a round's worth is queued) through {@link SharedCommits}. For a phone's history (its
 * fetches and routine audit rows), which no answer depends on: in a boot storm, the commits per
 * request were half of the device port's Java profile, each one writing the same pages of the same
 * tables again.
 *
 * <p>What it costs: a kill loses the history of the last moments, never anything an answer promised,
 * and the database stays consistent (each round is one transaction). Readers of that history call
 * {@link #await} first, so this process always reads what it was told to write. At most {@link
 * #MAX_QUEUED} works wait; past that a writer commits its own, as if none were written behind.
 */
final class WritesBehind {

    /** How long a written-behind work waits at most for its round. */
    static final Duration EVERY = Duration.ofMillis(100);
    /** Works queued at most; more are committed by their writer's thread. */
    static final int MAX_QUEUED = 20_000;

    private static final Logger LOG = LoggerFactory.getLogger(WritesBehind.class);

    private final SharedCommits shared;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private volatile ScheduledExecutorService flusher;
    private volatile boolean closed;

    WritesBehind(SharedCommits shared) {
        this.shared = shared;
    }

    /** Queues {@code work}, or commits it now (throwing its error) when {@link #MAX_QUEUED} are waiting. */
    void write(Database.SqlWork<?> work) {
        if (shared.handedIn() >= MAX_QUEUED || !started()) {
            shared.run(work);
            return;
        }
        shared.handIn(work, this::failed);
        if (shared.waiting() >= SharedCommits.MAX_ROUND && nudged.compareAndSet(false, true)) {
            // A round's worth is waiting: no reason to hold it until the next tick.
            try {
                flusher.execute(this::flush);
            } catch (RejectedExecutionException closing) {
                // close() drains what is queued
            }
        }
    }

    /** Returns once every work queued before the call is durable (or has failed and been reported). */
    void await() {
        shared.drain();
    }

    /** Works queued and not yet committed. */
    int queued() {
        return shared.handedIn();
    }

    /** Works that failed since start (each logged once). */
    long failures() {
        return failures.get();
    }

    /** Commits what is queued and stops the flusher; later works are committed by their writers. */
    synchronized void close() {
        closed = true;
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(EVERY.toMillis() * 10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shared.drain();
    }

    /** The flusher, started with the first work so that a database nobody writes behind has no thread. */
    private boolean started() {
        if (flusher != null || closed) {
            return !closed;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (flusher != null) {
                return true;
            }
            flusher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "hub-db-writes-behind");
                thread.setDaemon(true);
                return thread;
            });
            flusher.scheduleWithFixedDelay(this::flush, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
    }

    private void flush() {
        nudged.set(false);
        try {
            shared.drain();
        } catch (RuntimeException e) {
            // Each failed work was reported through failed(); the flusher must go on for the next ones.
            LOG.warn("writing behind failed: {}", LogText.of(e));
        }
    }

    private void failed(RuntimeException error) {
        failures.incrementAndGet();
        LOG.warn("a write behind was undone: {}", LogText.of(error.getMessage()));
    }
}
