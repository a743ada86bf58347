package io.hub.dhcp.config;

import io.hub.dhcp.AlePhones;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import io.hub.dhcp.decode.VendorOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a dnsmasq configuration: {@code dhcp-option} (by number or {@code option:name}, with
 * {@code tag:} and {@code vendor:} scoping), {@code dhcp-boot}, and the directives that set tags
 * ({@code dhcp-vendorclass}, {@code dhcp-userclass}, {@code dhcp-match}, {@code dhcp-mac},
 * {@code dhcp-host}, {@code dhcp-range}, {@code tag-if}), following {@code conf-file} and
 * {@code conf-dir}. Tags are resolved over the whole configuration first, since dnsmasq does not
 * care in which order they are set and used.
 */
public final class DnsmasqChecker implements ConfigChecker {

    @Override
    public List<Finding> check(java.nio.file.Path file, DhcpRules rules) {
        List<DnsmasqFiles.Directive> directives = DnsmasqFiles.read(file);
        Map<String, Scope> tags = tags(directives);
        ConfigModel model = new ConfigModel();
        Map<String, VendorGroup> vendorGroups = new LinkedHashMap<>();
        Set<Integer> disabled = new HashSet<>();
        Set<Integer> globallySet = new HashSet<>();
        boolean tftp = false;
        boolean dnsOff = false;
        String firstRange = null;
        for (DnsmasqFiles.Directive directive : directives) {
            switch (directive.key()) {
                case "enable-tftp" -> tftp = true;
                case "port" -> dnsOff = directive.value().strip().equals("0");
                case "dhcp-range" -> firstRange = firstRange == null ? directive.where() : firstRange;
                default -> {
                    // Read below, once the flags above are known.
                }
            }
        }
        for (DnsmasqFiles.Directive directive : directives) {
            switch (directive.key()) {
                case "dhcp-option", "dhcp-option-force" -> option(directive, tags, model, vendorGroups, disabled,
                        globallySet);
                case "dhcp-boot" -> boot(directive, tags, model, tftp);
                default -> {
                    // Other directives do not change what an ALE phone is offered; one dnsmasq does not know is
                    // named, since dnsmasq itself stops there.
                    if (!DnsmasqDirectives.KNOWN.contains(directive.key())) {
                        model.notice(FindingKind.UNKNOWN_DIRECTIVE, 0, directive.key(), "directive '"
                                + directive.key() + "' (dnsmasq " + DnsmasqDirectives.VERSION
                                + " stops with: bad option at line " + line(directive) + ")", Scope.global(),
                                directive.where());
                    }
                }
            }
        }
        vendorGroups.values().forEach(group -> model.option(new OptionValue(43,
                VendorOptions.encode(group.subOptions), String.join("; ", group.raw), group.where), group.scope,
                new DhcpRules.Context(group.vendorClass, null)));
        if (firstRange != null) {
            Set<Integer> present = new HashSet<>(globallySet);
            if (!disabled.contains(3)) {
                present.add(3);
            }
            if (!disabled.contains(6) && !dnsOff) {
                present.add(6);
            }
            model.basics(present, Scope.global(), "the configuration", firstRange);
        }
        return model.findings(rules);
    }

    private static void option(DnsmasqFiles.Directive directive, Map<String, Scope> tags, ConfigModel model,
            Map<String, VendorGroup> vendorGroups, Set<Integer> disabled, Set<Integer> globallySet) {
        List<String> items = DnsmasqFiles.items(directive.value());
        Scope scope = Scope.global();
        String vendorClass = null;
        boolean encapsulated = false;
        int at = 0;
        for (; at < items.size(); at++) {
            String item = items.get(at);
            if (item.startsWith("tag:") || item.startsWith("net:")) {
                scope = scope.within(tagScope(item.substring(4), tags));
            } else if (item.startsWith("vendor:")) {
                vendorClass = item.substring(7);
                scope = scope.within(vendorScope(vendorClass));
            } else if (item.startsWith("encap:")) {
                if (!item.substring(6).strip().equals("43")) {
                    return;
                }
                encapsulated = true;
            } else if (item.startsWith("vi-encap:") || item.startsWith("option6:")) {
                return;
            } else {
                break;
            }
        }
        if (at >= items.size()) {
            throw new ConfigException(directive.where() + ": " + directive.key() + " names no option");
        }
        if (DnsmasqFiles.isUnknownName(items.get(at))) {
            model.notice(FindingKind.UNKNOWN_OPTION, 0, directive.value(), items.get(at).strip() + " (dnsmasq "
                    + DnsmasqDirectives.VERSION + " stops with: bad dhcp-option at line " + line(directive) + ")",
                    scope, directive.where());
            return;
        }
        int code = DnsmasqFiles.optionCode(items.get(at), directive.where());
        List<String> values = DnsmasqFiles.unquoted(items.subList(at + 1, items.size()));
        String raw = String.join(",", items.subList(at + 1, items.size()));
        if (vendorClass != null || encapsulated) {
            Scope groupScope = scope;
            String key = scope.name() + "\u0000" + vendorClass;
            VendorGroup group = vendorGroups.computeIfAbsent(key, k -> new VendorGroup(groupScope,
                    directive.where()));
            group.vendorClass = vendorClass;
            group.subOptions.add(new VendorOptions.SubOption(code, subOptionBytes(values)));
            group.raw.add(code + "," + raw);
            return;
        }
        boolean global = scope.level() == Scope.Level.GLOBAL;
        if (values.isEmpty()) {
            if (global) {
                disabled.add(code);
            }
            return;
        }
        if (global) {
            globallySet.add(code);
        }
        byte[] bytes = OptionEncoding.encode(code, OptionEncoding.typeOf(code), values);
        if (bytes != null) {
            model.option(new OptionValue(code, bytes, raw, directive.where()), scope,
                    DhcpRules.Context.NONE);
        }
    }

    /** {@code dhcp-boot=[tag:…,]file[,server name[,server address]]}: the file field of the reply. */
    private static void boot(DnsmasqFiles.Directive directive, Map<String, Scope> tags, ConfigModel model,
            boolean tftp) {
        List<String> items = DnsmasqFiles.items(directive.value());
        Scope scope = Scope.global();
        int at = 0;
        while (at < items.size() && (items.get(at).startsWith("tag:") || items.get(at).startsWith("net:"))) {
            scope = scope.within(tagScope(items.get(at).substring(4), tags));
            at++;
        }
        List<String> values = DnsmasqFiles.unquoted(items.subList(at, items.size()));
        if (values.isEmpty() || values.get(0).isBlank()) {
            return;
        }
        String server = values.size() > 2 ? values.get(2) : values.size() > 1 ? values.get(1)
                : tftp ? "dnsmasq's own TFTP server" : null;
        model.option(new OptionValue(67, values.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "dhcp-boot=" + directive.value().strip(), directive.where()), scope,
                new DhcpRules.Context(null, server));
    }

    private static byte[] subOptionBytes(List<String> values) {
        if (!values.isEmpty() && values.stream().allMatch(OptionEncoding::isAddress)) {
            return OptionEncoding.encode(3, OptionEncoding.Type.ADDRESSES, values);
        }
        return OptionEncoding.encode(0, OptionEncoding.Type.BYTES, values);
    }

    /** What each tag means, from every directive that sets one. */
    private static Map<String, Scope> tags(List<DnsmasqFiles.Directive> directives) {
        Map<String, Scope> tags = new LinkedHashMap<>();
        Map<String, List<String>> implied = new LinkedHashMap<>();
        for (DnsmasqFiles.Directive directive : directives) {
            List<String> items = DnsmasqFiles.items(directive.value());
            List<String> set = items.stream().filter(i -> i.startsWith("set:")).map(i -> i.substring(4)).toList();
            List<String> rest = DnsmasqFiles.unquoted(items.stream().filter(i -> !i.startsWith("set:")
                    && !i.startsWith("tag:") && !i.startsWith("enterprise:")).toList());
            Scope scope = switch (directive.key()) {
                case "dhcp-vendorclass" -> {
                    if (set.isEmpty() && items.size() >= 2) {
                        // The old form: dhcp-vendorclass=<tag>,<class>.
                        set = List.of(items.get(0));
                        rest = DnsmasqFiles.unquoted(items.subList(1, items.size()));
                    }
                    yield rest.isEmpty() ? null : vendorScope(rest.get(rest.size() - 1));
                }
                case "dhcp-userclass" -> new Scope(Scope.Level.CLIENT_CLASS, "user class '" + String.join(",", rest)
                        + "'", false, "ALE phones send no user class (option 77)");
                case "dhcp-match" -> matchScope(rest, directive.where());
                case "dhcp-mac" -> macScope(rest.isEmpty() ? "" : rest.get(rest.size() - 1));
                case "dhcp-host" -> hostScope(rest);
                case "dhcp-range" -> Scope.of(Scope.Level.SUBNET, "range " + String.join(",", rest.subList(0,
                        Math.min(2, rest.size()))));
                case "dhcp-circuitid", "dhcp-remoteid", "dhcp-subscrid" -> Scope.of(Scope.Level.TAG,
                        "relay " + directive.key().substring(5) + " " + String.join(",", rest));
                case "tag-if" -> {
                    List<String> conditions = items.stream().filter(i -> i.startsWith("tag:")).map(i -> i.substring(4))
                            .toList();
                    set.forEach(tag -> implied.computeIfAbsent(tag, t -> new ArrayList<>()).addAll(conditions));
                    yield null;
                }
                default -> null;
            };
            if (scope != null) {
                for (String tag : set) {
                    tags.merge(tag, scope, DnsmasqChecker::either);
                }
            }
        }
        implied.forEach((tag, conditions) -> {
            Scope scope = Scope.of(Scope.Level.TAG, "tag " + tag);
            for (String condition : conditions) {
                scope = scope.within(tagScope(condition, tags));
            }
            tags.merge(tag, scope, DnsmasqChecker::either);
        });
        return tags;
    }

    /** A tag set by two directives reaches a phone when either of them does. */
    private static Scope either(Scope first, Scope second) {
        boolean reaches = first.reachesAlePhone() || second.reachesAlePhone();
        return new Scope(first.level() == second.level() ? first.level() : Scope.Level.TAG,
                first.name() + " or " + second.name(), reaches, reaches ? "" : first.reason());
    }

    private static Scope tagScope(String condition, Map<String, Scope> tags) {
        if (condition.startsWith("!")) {
            // The complement of a set of clients: whatever it excludes, ALE phones may be in it.
            return Scope.of(Scope.Level.TAG, "not tag " + condition.substring(1));
        }
        Scope scope = tags.get(condition);
        if (scope == null) {
            // dnsmasq also sets a tag per interface name and "known" for configured hosts.
            return Scope.of(Scope.Level.TAG, "tag " + condition);
        }
        return new Scope(scope.level(), "tag " + condition + " (" + scope.name() + ")", scope.reachesAlePhone(),
                scope.reason());
    }

    private static Scope vendorScope(String vendorClass) {
        boolean ale = AlePhones.matchesAleVendorClass(vendorClass, true);
        return new Scope(Scope.Level.VENDOR_CLASS, "vendor class containing '" + vendorClass + "'", ale,
                ale ? "ALE phones send such a class" : "ALE phones send another vendor class");
    }

    private static Scope matchScope(List<String> rest, String where) {
        if (rest.isEmpty()) {
            return null;
        }
        if (rest.get(0).startsWith("vi-encap:")) {
            return new Scope(Scope.Level.CLIENT_CLASS, "clients sending option 125", false,
                    "ALE phones send no option 125");
        }
        if (DnsmasqFiles.isUnknownName(rest.get(0))) {
            return Scope.of(Scope.Level.CLIENT_CLASS, "clients sending " + rest.get(0).strip());
        }
        int code = DnsmasqFiles.optionCode(rest.get(0), where);
        if (code == 60) {
            return rest.size() > 1 ? vendorScope(rest.get(1))
                    : Scope.of(Scope.Level.VENDOR_CLASS, "any vendor class");
        }
        if (!AlePhones.SENT_OPTIONS.contains(code)) {
            return new Scope(Scope.Level.CLIENT_CLASS, "clients sending option " + code, false,
                    "ALE phones send no option " + code);
        }
        return Scope.of(Scope.Level.CLIENT_CLASS, "clients sending option " + code);
    }

    /** {@code 12 of dnsmasq.conf} from {@code dnsmasq.conf:12}, as dnsmasq names a line. */
    private static String line(DnsmasqFiles.Directive directive) {
        String where = directive.where();
        int colon = where.lastIndexOf(':');
        return colon < 0 ? where : where.substring(colon + 1) + " of " + where.substring(0, colon);
    }

    private static Scope macScope(String pattern) {
        boolean ale = AlePhones.isAleMac(pattern);
        return new Scope(Scope.Level.HOST, "MAC " + pattern, ale, ale ? "an ALE MAC" : "not an ALE MAC block");
    }

    private static Scope hostScope(List<String> items) {
        List<String> macs = items.stream().filter(DnsmasqFiles::isMac).toList();
        String name = "host " + String.join(",", items.subList(0, Math.min(2, items.size())));
        if (macs.isEmpty()) {
            return Scope.of(Scope.Level.HOST, name);
        }
        boolean ale = macs.stream().anyMatch(AlePhones::isAleMac);
        return new Scope(Scope.Level.HOST, name, ale, ale ? "an ALE MAC" : "the host's MAC is not an ALE phone's");
    }

    /** Sub-options of option 43 that dnsmasq sends together to one vendor class. */
    private static final class VendorGroup {
        final Scope scope;
        final String where;
        final List<VendorOptions.SubOption> subOptions = new ArrayList<>();
        final List<String> raw = new ArrayList<>();
        String vendorClass;

        VendorGroup(Scope scope, String where) {
            this.scope = scope;
            this.where = where;
        }
    }
}
