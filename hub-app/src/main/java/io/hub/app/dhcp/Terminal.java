package io.hub.app.dhcp;

/** Whether output goes to a person's terminal, where colour helps, or to a file or pipe, where it garbles. */
final class Terminal {

    private Terminal() {
    }

    /** True on a terminal, unless NO_COLOR is set (no-color.org). */
    static boolean colours() {
        String noColor = System.getenv("NO_COLOR");
        return System.console() != null && (noColor == null || noColor.isEmpty());
    }
}
