package io.hub.sip.location;

import java.util.List;

/** Where bindings are kept across restarts. */
public interface BindingStore {

    List<Binding> load();

    /** Replaces every binding of {@code aor} at once; durable when it returns. */
    default void replace(String aor, List<Binding> bindings) {
        replaceAll(List.of(new AorBindings(aor, bindings)));
    }

    /**
     * Replaces the binding sets of several AORs at once: all of them or none, durable when it
     * returns. For an AOR named twice the last set wins.
     */
    void replaceAll(List<AorBindings> changes);

    /**
     * Deletes the stored bindings of another node of a cluster, which is gone.
     *
     * @return how many were deleted; 0 for a store that keeps no node's bindings
     */
    default int forgetNode(String node) {
        return 0;
    }

    /**
     * Refuses a change this store could not write, before anything is written: for a store in
     * front of this one that acknowledges changes before they reach it.
     *
     * @throws IllegalStateException naming what does not fit
     */
    default void check(AorBindings change) {
    }

    /**
     * Whether a write costs little and many threads may write at once: then each REGISTER writes its
     * own change, where a store of transactions gets one writer thread that shares them.
     */
    default boolean concurrentWrites() {
        return false;
    }

    /**
     * Writes what the store keeps in front of its table into the table now (the binding journal's
     * checkpoint); nothing for a store that writes the table directly.
     *
     * @throws IllegalStateException when the table refuses the changes
     */
    default void checkpoint() {
    }

    /** Lets go of what the store holds open, once nothing writes to it any more. */
    default void close() {
    }

    /** A store that keeps nothing, for a hub run without a database. */
    BindingStore NONE = new BindingStore() {
        @Override
        public List<Binding> load() {
            return List.of();
        }

        @Override
        public void replaceAll(List<AorBindings> changes) {
        }
    };
}
