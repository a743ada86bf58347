package io.hub.sip.location;

import java.util.List;

/** Where bindings are kept across restarts. */
public interface BindingStore {

    List<Binding> load();

    /** Replaces every binding of {@code aor} at once. */
    void replace(String aor, List<Binding> bindings);

    /** A store that keeps nothing, for a hub run without a database. */
    BindingStore NONE = new BindingStore() {
        @Override
        public List<Binding> load() {
            return List.of();
        }

        @Override
        public void replace(String aor, List<Binding> bindings) {
        }
    };
}
