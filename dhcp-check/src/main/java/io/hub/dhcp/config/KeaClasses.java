package io.hub.dhcp.config;

import io.hub.dhcp.AlePhones;
import io.hub.dhcp.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a Kea client class reaches ALE phones, from its name and its {@code test} expression. */
final class KeaClasses {

    /**
     * A class's scope, and the vendor class it stands for when that is exact (decodes its 43).
     */
    record ClassScope(Scope scope, String vendorClass) {
    }

    private static final String BUILT_IN_VENDOR = "VENDOR_CLASS_";
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    private static final Pattern OPTION = Pattern.compile("option\\[([a-z0-9-]+)\\]");
    private static final Pattern MAC = Pattern.compile("0x([0-9a-f]{6,12})");

    private KeaClasses() {
    }

    static ClassScope of(String name, String test, Function<String, Integer> codeOf) {
        String label = "class " + name;
        if (name.startsWith(BUILT_IN_VENDOR)) {
            String vendorClass = name.substring(BUILT_IN_VENDOR.length());
            boolean ale = AlePhones.isAleVendorClass(vendorClass);
            return new ClassScope(vendorScope(label, ale), vendorClass);
        }
        String lower = test.toLowerCase(Locale.ROOT);
        if (lower.isBlank() || lower.contains("not ") || lower.contains("!=")) {
            return new ClassScope(Scope.of(Scope.Level.CLIENT_CLASS, label), null);
        }
        List<String> strings = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(test);
        while (quoted.find()) {
            strings.add(quoted.group(1));
        }
        if ((lower.contains("option[60]") || lower.contains("option[vendor-class-identifier]")) && !strings.isEmpty()) {
            boolean prefix = lower.contains("substring");
            boolean ale = strings.stream().anyMatch(s -> AlePhones.matchesAleVendorClass(s, prefix));
            return new ClassScope(vendorScope(label, ale), prefix || strings.size() != 1 ? null : strings.get(0));
        }
        Matcher mac = MAC.matcher(lower);
        if (lower.contains("pkt4.mac") && mac.find()) {
            boolean ale = AlePhones.isAleMac(mac.group(1));
            return new ClassScope(new Scope(Scope.Level.HOST, label, ale, ale ? "an ALE MAC block"
                    : "not an ALE MAC block"), null);
        }
        Matcher option = OPTION.matcher(lower);
        while (option.find()) {
            String reference = option.group(1);
            Integer code = reference.matches("\\d+") ? Integer.valueOf(reference) : codeOf.apply(reference);
            if (code != null && !AlePhones.SENT_OPTIONS.contains(code)) {
                return new ClassScope(new Scope(Scope.Level.CLIENT_CLASS, label, false,
                        "ALE phones send no option " + code), null);
            }
        }
        return new ClassScope(Scope.of(Scope.Level.CLIENT_CLASS, label), null);
    }

    private static Scope vendorScope(String label, boolean ale) {
        return new Scope(Scope.Level.VENDOR_CLASS, label, ale, ale ? "ALE phones send this vendor class"
                : "ALE phones send another vendor class");
    }
}
