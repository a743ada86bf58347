package io.hub.phone.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread every emulated phone runs on: a selector over all their sockets (TLS connections,
 * media) and a timer whose tasks hop onto that thread. Phones are state machines touched by this
 * thread only, so none of them needs a lock, and ten thousand of them cost ten thousand sockets, not
 * ten thousand threads.
 *
 * <p>Callbacks must not block: a blocking call stalls every phone.
 */
public final class NetLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetLoop.class);

    /** What a registered channel is told when the selector finds it ready. */
    public interface Ready {
        void ready(SelectionKey key) throws IOException;

        /** The channel failed while handling readiness; it should close itself. */
        void failed(IOException e);
    }

    /** What scheduling on a closed loop returns: a task that will not run. */
    private static final ScheduledFuture<?> NEVER = never();

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ScheduledThreadPoolExecutor timer;
    private final TlsBuffers buffers = new TlsBuffers();
    private volatile boolean closed;

    public NetLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        timer = new ScheduledThreadPoolExecutor(1, daemon(name + "-timer"));
        // Most timers are cancelled long before they are due (a transaction's timeout once its answer
        // came, a keepalive rescheduled): dropped at once, they neither pile up in the queue nor keep
        // what their tasks hold from the collector.
        timer.setRemoveOnCancelPolicy(true);
        thread = daemon(name).newThread(this::run);
        thread.start();
    }

    /** Runs {@code task} on the loop's thread, soon; from the loop thread itself it is queued too. */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop's thread after {@code delay}; once the loop is closed, never. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return timer.schedule(() -> execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return NEVER;
        }
    }

    /** Runs {@code task} on the loop's thread every {@code period}, first after {@code period}. */
    public ScheduledFuture<?> every(Runnable task, Duration period) {
        try {
            return timer.scheduleAtFixedRate(() -> execute(task), period.toNanos(), period.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return NEVER;
        }
    }

    /** Timers scheduled and neither run nor cancelled yet. */
    int timersPending() {
        return timer.getQueue().size();
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public SelectionKey register(SelectableChannel channel, int ops, Ready ready) throws IOException {
        requireLoop();
        return channel.register(selector, ops, ready);
    }

    /** Scratch buffers for TLS, shared by every connection since only this thread uses them. */
    TlsBuffers buffers() {
        requireLoop();
        return buffers;
    }

    public void requireLoop() {
        if (!inLoop()) {
            throw new IllegalStateException("called from " + Thread.currentThread().getName() + ", not the loop");
        }
    }

    private void run() {
        while (!closed) {
            try {
                selector.select(1000);
            } catch (IOException e) {
                LOG.warn("selector failed: {}", e.getMessage());
                continue;
            }
            for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                SelectionKey key = keys.next();
                keys.remove();
                Ready ready = (Ready) key.attachment();
                try {
                    if (key.isValid()) {
                        ready.ready(key);
                    }
                } catch (IOException e) {
                    ready.failed(e);
                } catch (CancelledKeyException e) {
                    // Closed by an earlier callback of this round.
                } catch (RuntimeException e) {
                    LOG.warn("a socket callback failed", e);
                    ready.failed(new IOException(e.toString(), e));
                }
            }
            for (Runnable task; (task = tasks.poll()) != null; ) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("a task failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private static ScheduledFuture<?> never() {
        ScheduledExecutorService closed = Executors.newSingleThreadScheduledExecutor();
        ScheduledFuture<?> future = closed.schedule(() -> { }, 1, TimeUnit.DAYS);
        future.cancel(false);
        closed.shutdownNow();
        return future;
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
