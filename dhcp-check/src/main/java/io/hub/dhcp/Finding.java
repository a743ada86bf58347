package io.hub.dhcp;

import java.util.Comparator;
import java.util.List;

/**
 * One thing wrong (or worth knowing) about the DHCP options an ALE phone gets.
 *
 * @param kind what it is; its text explains it
 * @param severity the kind's severity, or INFO when the scope does not reach ALE phones
 * @param option the option code (0 for a finding about a whole reply)
 * @param raw the value as its source has it (configuration text, reply hex, phone report)
 * @param decoded the value as the phone reads it
 * @param location where the option sends the phone (URL, server, file); empty when nowhere
 * @param scope which clients get the value
 * @param why why it breaks zero-touch (or why it matters)
 * @param fix what to change
 * @param where the file and line, reply or phone it comes from
 */
public record Finding(FindingKind kind, FindingKind.Severity severity, int option, String raw, String decoded,
        String location, Scope scope, String why, String fix, String where) {

    /** Worst first; a stable sort keeps the source's order within a severity. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity);

    public boolean reachesAlePhone() {
        return scope.reachesAlePhone();
    }

    public boolean isConflict() {
        return severity == FindingKind.Severity.CONFLICT;
    }

    /** True when any finding breaks zero-touch: the exit status 1 of the checks. */
    public static boolean anyConflict(List<Finding> findings) {
        return findings.stream().anyMatch(Finding::isConflict);
    }
}
