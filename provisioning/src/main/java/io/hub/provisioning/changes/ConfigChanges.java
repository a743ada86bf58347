package io.hub.provisioning.changes;

import io.hub.provisioning.storage.Database;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Where every change to what phones are served is announced once committed, so that what the hub
 * keeps in memory (the devices it authenticates, the configurations it rendered) is dropped at
 * once: a phone fetching after the admin's answer gets the new value. Changes made on this node are
 * also handed to {@link #onLocal} listeners (the cluster's notices); changes another node made
 * arrive through {@link #heard}.
 *
 * <p>The {@link #epoch} counts changes: a cache loads under it and keeps what it loaded only when no
 * change came meanwhile ({@link KeptUntilChanged}), so a load racing a commit is never kept.
 */
public final class ConfigChanges {

    private final AtomicLong epoch = new AtomicLong();
    private final List<Consumer<ConfigChange>> caches = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConfigChange>> local = new CopyOnWriteArrayList<>();

    /** Changes so far; it only grows. */
    public long epoch() {
        return epoch.get();
    }

    /** Runs {@code cache} for every change, this node's and others'. */
    public void follow(Consumer<ConfigChange> cache) {
        caches.add(cache);
    }

    /** Runs {@code listener} for every change made on this node (to tell the other nodes). */
    public void onLocal(Consumer<ConfigChange> listener) {
        local.add(listener);
    }

    /**
     * Announces {@code change} once the current transaction commits ({@link Database#afterCommit}),
     * or now outside one.
     */
    public void afterCommit(ConfigChange change) {
        Database.afterCommit(() -> changed(change));
    }

    /** A committed change made on this node. */
    public void changed(ConfigChange change) {
        apply(change);
        local.forEach(listener -> listener.accept(change));
    }

    /** A change another node made and announced. */
    public void heard(ConfigChange change) {
        apply(change);
    }

    private void apply(ConfigChange change) {
        // The epoch first: a load that began before it is not kept, whatever the caches drop next.
        epoch.incrementAndGet();
        caches.forEach(cache -> cache.accept(change));
    }
}
