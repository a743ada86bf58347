package io.hub.app.architecture.bad;

import io.hub.sip.location.Binding;

/** A hub-app class as it must not be: it reads a SIP feature package instead of SIP's public face. */
public final class ReachesIntoSipLocation {

    private ReachesIntoSipLocation() {
    }

    public static String aorOf(Binding binding) {
        return binding.aor();
    }
}
