package io.hub.provisioning;

import java.util.Objects;

/**
 * What became of one NOTIFY.
 *
 * @param status the SIP status of the phone's answer, or null when none came
 * @param detail a line for the admin (which flow, which error), or null
 */
public record Delivery(ResyncOutcome outcome, Integer status, String detail) {

    public Delivery {
        Objects.requireNonNull(outcome, "outcome");
    }
}
