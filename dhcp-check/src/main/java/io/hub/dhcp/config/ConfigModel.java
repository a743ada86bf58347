package io.hub.dhcp.config;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a configuration gives, scope by scope, as its parser found it; the rules judge it in one
 * place, so the three servers' findings read the same.
 */
final class ConfigModel {

    private sealed interface Entry permits Declared, Basics, Notice {
    }

    private record Notice(FindingKind kind, int code, String raw, String subject, Scope scope, String where)
            implements Entry {
    }

    private record Declared(OptionValue value, Scope scope, DhcpRules.Context context) implements Entry {
    }

    private record Basics(Set<Integer> present, Scope scope, String subject, String where) implements Entry {
    }

    private final List<Entry> entries = new ArrayList<>();

    void option(OptionValue value, Scope scope, DhcpRules.Context context) {
        entries.add(new Declared(value, scope, context));
    }

    /** A scope that hands out addresses, with the option codes it gives (its own and inherited). */
    void basics(Set<Integer> present, Scope scope, String subject, String where) {
        entries.add(new Basics(Set.copyOf(present), scope, subject, where));
    }

    /** Something about the configuration itself, in its place in the file: an unknown option, an include. */
    void notice(FindingKind kind, int code, String raw, String subject, Scope scope, String where) {
        entries.add(new Notice(kind, code, raw, subject, scope, where));
    }

    List<Finding> findings(DhcpRules rules) {
        List<Finding> findings = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry instanceof Declared declared) {
                findings.addAll(rules.check(declared.value(), declared.scope(), declared.context()));
            } else if (entry instanceof Basics basics) {
                findings.addAll(rules.basics(basics.present(), basics.scope(), basics.subject(), basics.where()));
            } else if (entry instanceof Notice notice) {
                findings.add(rules.notice(notice.kind(), notice.code(), notice.raw(), notice.subject(), notice.scope(),
                        notice.where()));
            }
        }
        return findings;
    }
}
