package io.hub.sip.call;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub's call timers: one daemon thread; a task that throws is logged and the others go on. */
final class ThreadedCallTimers implements CallTimers {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadedCallTimers.class);

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sip-call-timers");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> future = timers.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("call timer failed", e);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException stopping) {
            return () -> { };
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
