package io.hub.provisioning;

/**
 * How a phone took a check-sync NOTIFY: one code each, the same in the admin API, the table and
 * the metrics.
 */
public enum ResyncOutcome {
    /** It answered 2xx: it fetches its configuration now. */
    OK("ok"),
    /** No binding of its AOR has a live flow: the hub does not dial out, so it learns at its next poll. */
    NO_FLOW("no-flow"),
    /** A flow carried the NOTIFY and no final answer came in time. */
    TIMEOUT("timeout"),
    /** It answered with an error status (kept beside the outcome). */
    REFUSED("refused"),
    /** Deleted, disabled or unassigned between the change and its turn: nothing to notify. */
    GONE("gone");

    private final String code;

    ResyncOutcome(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ResyncOutcome ofCode(String code) {
        for (ResyncOutcome outcome : values()) {
            if (outcome.code.equals(code)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("no resync outcome " + code);
    }
}
