package io.hub.sip.transport;

import java.util.ArrayDeque;

/**
 * A connection's inbound messages on their way to the worker pool: handled one at a time in
 * arrival order, {@link #BATCH} in a row before other flows get their turn. When the queue grows
 * past {@link #PAUSE_AT_MESSAGES} or {@link #PAUSE_AT_BYTES} the connection stops reading until
 * the handler has caught up to {@link #RESUME_AT_MESSAGES} (TCP then slows the peer). A close is
 * the queue's last item, so the handler hears of it after the messages that came before.
 *
 * <p>Its state is guarded by the owning {@link Connection}'s lock, the one that also guards the
 * connection's phase and output; only {@link #readPaused()} is read without it.
 */
final class FlowInbox {

    static final int BATCH = 16;
    static final int PAUSE_AT_MESSAGES = 32;
    static final int RESUME_AT_MESSAGES = 8;
    static final int PAUSE_AT_BYTES = 256 * 1024;

    /** What the inbox does to its connection and with its items. */
    interface Owner {
        /** Runs {@code turn} on the worker pool. */
        void dispatch(Runnable turn);

        /** True while the server stops: what is queued goes unhandled. */
        boolean stopping();

        /** Stops reading; called under the lock. */
        void pauseReading();

        /** Reading may go on; called outside the lock. */
        void resumeReading();

        /** Handles one message, on a worker. */
        void message(byte[] message);

        /** The connection closed for {@code why}, after every message queued before; on a worker. */
        void closed(String why);
    }

    /** The last item of a closing connection's queue. */
    private record Closed(String why) {
    }

    private final Object lock;
    private final Owner owner;
    private ArrayDeque<Object> queue;
    private int queuedBytes;
    private boolean dispatching;
    /** Set under the lock by whoever pauses or resumes; read by the loop without it. */
    private volatile boolean readPaused;

    FlowInbox(Object lock, Owner owner) {
        this.lock = lock;
        this.owner = owner;
    }

    void add(byte[] message) {
        enqueue(message, message.length);
    }

    /** Queues the close after what is already queued. */
    void close(String why) {
        enqueue(new Closed(why), 0);
    }

    boolean readPaused() {
        return readPaused;
    }

    private void enqueue(Object item, int bytes) {
        boolean start;
        synchronized (lock) {
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(item);
            queuedBytes += bytes;
            start = !dispatching;
            dispatching = true;
            if (!readPaused && bytes > 0 && (queue.size() >= PAUSE_AT_MESSAGES || queuedBytes >= PAUSE_AT_BYTES)) {
                readPaused = true;
                owner.pauseReading();
            }
        }
        if (start) {
            owner.dispatch(this::dispatch);
        }
    }

    /** On a worker: the queued items in order, a batch at a time. */
    private void dispatch() {
        if (owner.stopping()) {
            // Stopping: what is still queued goes unhandled, as it would with the process.
            return;
        }
        for (int handled = 0; handled < BATCH; handled++) {
            Object item;
            boolean resume = false;
            synchronized (lock) {
                item = queue == null ? null : queue.poll();
                if (item == null) {
                    queue = null;
                    dispatching = false;
                    return;
                }
                if (item instanceof byte[] message) {
                    queuedBytes -= message.length;
                }
                if (readPaused && queue.size() <= RESUME_AT_MESSAGES && queuedBytes < PAUSE_AT_BYTES / 4) {
                    readPaused = false;
                    resume = true;
                }
            }
            if (resume) {
                owner.resumeReading();
            }
            if (item instanceof byte[] message) {
                owner.message(message);
            } else {
                owner.closed(((Closed) item).why());
            }
        }
        owner.dispatch(this::dispatch);
    }
}
