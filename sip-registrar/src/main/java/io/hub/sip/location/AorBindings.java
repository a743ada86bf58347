package io.hub.sip.location;

import java.util.List;

/** The whole binding set one AOR is to have, as written to a {@link BindingStore}. */
public record AorBindings(String aor, List<Binding> bindings) {

    public AorBindings {
        bindings = List.copyOf(bindings);
    }
}
