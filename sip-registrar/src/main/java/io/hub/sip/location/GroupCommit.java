package io.hub.sip.location;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes binding changes for many threads on one writer thread, each round in one transaction:
 * a REGISTER's change waits for the round that carries it, so its 200 still goes out only once its
 * binding is durable, but every REGISTER that arrived meanwhile shares that commit (group commit).
 * Changes are written in the order they were handed in. When a round fails, each of its changes is
 * tried again alone, so one change the store refuses fails only its own caller.
 *
 * <p>The writer thread is never interrupted: H2 closes its file under everyone when a thread is
 * interrupted inside a write. {@link #close} writes what was handed in before it, then stops the
 * writer; later changes fail.
 */
final class GroupCommit implements BindingWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** The most changes one transaction carries; more wait for the next round. */
    static final int MAX_ROUND = 256;

    /** How long {@link #close} waits for the writer to finish what it was handed. */
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(10);

    private final BindingStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private long rounds;
    private long written;

    GroupCommit(BindingStore store, String name) {
        this.store = store;
        this.writer = new Thread(this::run, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** A change handed in, and whether it was stored. */
    private record Pending(AorBindings change, CompletableFuture<Void> stored) {
    }

    @Override
    public CompletableFuture<Void> submit(AorBindings change) {
        Pending pending = new Pending(change, new CompletableFuture<>());
        if (closed) {
            pending.stored.completeExceptionally(new IllegalStateException("the binding store is closed"));
            return pending.stored;
        }
        queue.add(pending);
        if (closed) {
            // Closed while queued: the writer may have drained already; nothing else will answer it.
            failQueued();
        }
        return pending.stored;
    }

    @Override
    public void write(AorBindings change) {
        CompletableFuture<Void> stored = submit(change);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    stored.get();
                    return;
                } catch (InterruptedException e) {
                    // The change is in the queue and will be written: its caller must learn how it went.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IllegalStateException refused ? refused
                            : new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Changes waiting for the writer (not counting the round being written). */
    @Override
    public int queued() {
        return queue.size();
    }

    /** Transactions written so far, and the changes they carried: their ratio is the grouping. */
    @Override
    public synchronized long[] counts() {
        return new long[] {rounds, written};
    }

    private void run() {
        List<Pending> round = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.take();
                if (first.change == null) {
                    continue; // the wake-up of close()
                }
                round.add(first);
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; if someone did, carry on until closed
            }
            queue.drainTo(round, MAX_ROUND - 1);
            round.removeIf(pending -> pending.change == null);
            writeRound(round);
            round.clear();
        }
        failQueued();
    }

    private void writeRound(List<Pending> round) {
        try {
            store.replaceAll(round.stream().map(Pending::change).toList());
            count(1, round.size());
            round.forEach(pending -> pending.stored.complete(null));
        } catch (RuntimeException whole) {
            if (round.size() == 1) {
                round.get(0).stored.completeExceptionally(whole);
                return;
            }
            LOG.warn("sip bindings: a transaction of {} changes failed, writing them one by one: {}", round.size(),
                    whole.getMessage());
            for (Pending pending : round) {
                try {
                    store.replaceAll(List.of(pending.change));
                    count(1, 1);
                    pending.stored.complete(null);
                } catch (RuntimeException alone) {
                    pending.stored.completeExceptionally(alone);
                }
            }
        }
    }

    private synchronized void count(long transactions, long changes) {
        rounds += transactions;
        written += changes;
    }

    private void failQueued() {
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            if (pending.change != null) {
                pending.stored.completeExceptionally(new IllegalStateException("the binding store is closed"));
            }
        }
    }

    /** Stops the writer once the changes handed in are written, waiting for it at most {@link #CLOSE_WAIT}. */
    @Override
    public void close() {
        closed = true;
        queue.add(new Pending(null, null));
        try {
            writer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
