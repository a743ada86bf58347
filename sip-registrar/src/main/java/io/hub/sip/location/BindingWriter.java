package io.hub.sip.location;

import java.util.concurrent.CompletableFuture;

/** How {@link LocationService} hands binding changes to its store. */
interface BindingWriter extends AutoCloseable {

    /** Picks the writer a store needs: its own thread and shared transactions, unless writes are cheap. */
    static BindingWriter of(BindingStore store) {
        return store.concurrentWrites() ? new DirectWrites(store) : new GroupCommit(store, "sip-binding-writer");
    }

    /** Hands in a change; the future completes once it is durable, or fails with the store's error. */
    CompletableFuture<Void> submit(AorBindings change);

    /**
     * Stores a change and returns once it is durable.
     *
     * @throws IllegalStateException when the store refused it, or is closed
     */
    void write(AorBindings change);

    /** Changes waiting to be written. */
    int queued();

    /** Writes made so far, and the changes they carried: their ratio is the grouping. */
    long[] counts();

    /** Writes what was handed in before, then refuses later changes. */
    @Override
    void close();
}
