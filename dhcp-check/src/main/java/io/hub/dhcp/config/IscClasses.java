package io.hub.dhcp.config;

import io.hub.dhcp.AlePhones;
import io.hub.dhcp.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which clients an ISC dhcpd block reaches, and whether ALE phones are among them: classes and
 * their {@code match} expressions, subclasses, {@code if} conditions, pools restricted to class
 * members, hosts by hardware address.
 */
final class IscClasses {

    /** How a class picks its members, which decides what its subclasses' values mean. */
    enum Match { VENDOR_CLASS, VENDOR_CLASS_PREFIX, HARDWARE, OTHER }

    /** A class: how it matches, and the scope of its own block. */
    record ClassInfo(Match match, Scope scope) {
    }

    private static final Pattern HEX_BYTES = Pattern.compile("(?i)\\b[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){2,}\\b");
    private static final Pattern OPTION_REFERENCE = Pattern.compile("(?i)option\\s+([a-z0-9][a-z0-9.-]*)");

    private IscClasses() {
    }

    static ClassInfo classInfo(IscSyntax.Statement declaration, Function<String, Integer> codeOf) {
        String name = "class \"" + declaration.word(1) + "\"";
        for (IscSyntax.Statement statement : declaration.block()) {
            if (statement.block() != null || !statement.tokens().get(0).is("match")) {
                continue;
            }
            String expression = statement.text(1).toLowerCase(Locale.ROOT);
            if (statement.tokens().size() > 1 && statement.tokens().get(1).is("if")) {
                return new ClassInfo(Match.OTHER, condition(Scope.Level.CLIENT_CLASS, name, statement, 2, codeOf));
            }
            Match match = expression.contains("vendor-class-identifier")
                    ? expression.contains("substring") ? Match.VENDOR_CLASS_PREFIX : Match.VENDOR_CLASS
                    : expression.contains("hardware") ? Match.HARDWARE : Match.OTHER;
            return new ClassInfo(match, Scope.of(match == Match.OTHER ? Scope.Level.CLIENT_CLASS
                    : match == Match.HARDWARE ? Scope.Level.HOST : Scope.Level.VENDOR_CLASS, name));
        }
        return new ClassInfo(Match.OTHER, Scope.of(Scope.Level.CLIENT_CLASS, name));
    }

    /** The scope a declaration block adds, or null for blocks that give clients nothing (key, zone …). */
    static Scope scopeOf(IscSyntax.Statement declaration, Map<String, ClassInfo> classes,
            Function<String, Integer> codeOf) {
        IscSyntax.Token first = declaration.tokens().isEmpty() ? null : declaration.tokens().get(0);
        if (first == null) {
            return Scope.global();
        }
        String keyword = first.text().toLowerCase(Locale.ROOT);
        return switch (keyword) {
            case "subnet" -> Scope.of(Scope.Level.SUBNET, "subnet " + declaration.word(1) + prefix(declaration.word(3)));
            case "shared-network" -> Scope.of(Scope.Level.SHARED_NETWORK, "shared-network " + declaration.word(1));
            case "group" -> Scope.global();
            case "pool" -> pool(declaration, classes);
            case "host" -> host(declaration);
            case "class" -> classes.getOrDefault(declaration.word(1), classInfo(declaration, codeOf)).scope();
            case "subclass" -> subclass(declaration, classes);
            case "if", "elsif" -> condition(Scope.Level.CLIENT_CLASS, keyword + " " + declaration.text(1), declaration,
                    1, codeOf);
            case "else" -> Scope.of(Scope.Level.CLIENT_CLASS, "else at " + declaration.where());
            default -> null;
        };
    }

    /** The vendor class a block is for, when it says exactly (decodes its option 43). */
    static String vendorClassOf(IscSyntax.Statement declaration, Map<String, ClassInfo> classes) {
        if (declaration.tokens().get(0).is("subclass")) {
            ClassInfo info = classes.get(declaration.word(1));
            if (info != null && info.match() == Match.VENDOR_CLASS) {
                return declaration.word(2);
            }
        }
        return null;
    }

    private static Scope pool(IscSyntax.Statement declaration, Map<String, ClassInfo> classes) {
        Scope scope = Scope.of(Scope.Level.POOL, "pool at " + declaration.where());
        for (IscSyntax.Statement statement : declaration.block()) {
            List<IscSyntax.Token> tokens = statement.tokens();
            if (statement.block() == null && tokens.size() >= 4 && tokens.get(0).is("allow")
                    && tokens.get(1).is("members") && tokens.get(2).is("of")) {
                ClassInfo info = classes.get(tokens.get(3).text());
                if (info != null && !info.scope().reachesAlePhone()) {
                    return new Scope(Scope.Level.POOL, scope.name() + " for " + info.scope().name(), false,
                            info.scope().reason());
                }
            }
        }
        return scope;
    }

    private static Scope host(IscSyntax.Statement declaration) {
        String name = "host " + declaration.word(1);
        for (IscSyntax.Statement statement : declaration.block()) {
            if (statement.block() == null && statement.tokens().get(0).is("hardware")) {
                String mac = statement.word(2);
                boolean ale = AlePhones.isAleMac(mac);
                return new Scope(Scope.Level.HOST, name + " (" + mac + ")", ale,
                        ale ? "an ALE MAC" : "the host's MAC is not an ALE phone's");
            }
        }
        return Scope.of(Scope.Level.HOST, name);
    }

    private static Scope subclass(IscSyntax.Statement declaration, Map<String, ClassInfo> classes) {
        String value = declaration.word(2);
        ClassInfo info = classes.get(declaration.word(1));
        String name = "subclass \"" + declaration.word(1) + "\" \"" + value + "\"";
        Match match = info == null ? Match.OTHER : info.match();
        return switch (match) {
            case VENDOR_CLASS, VENDOR_CLASS_PREFIX -> {
                boolean ale = AlePhones.matchesAleVendorClass(value, match == Match.VENDOR_CLASS_PREFIX);
                yield new Scope(Scope.Level.VENDOR_CLASS, name, ale,
                        ale ? "ALE phones send this vendor class" : "ALE phones send another vendor class");
            }
            case HARDWARE -> {
                String hex = value.replaceFirst("^1:", "");
                boolean ale = AlePhones.isAleMac(hex);
                yield new Scope(Scope.Level.HOST, name, ale, ale ? "an ALE MAC" : "not an ALE MAC block");
            }
            case OTHER -> Scope.of(Scope.Level.CLIENT_CLASS, name);
        };
    }

    /**
     * The scope of a condition ({@code match if …}, {@code if …}): it excludes ALE phones only when
     * it provably tests for something they never send.
     */
    private static Scope condition(Scope.Level level, String name, IscSyntax.Statement statement, int from,
            Function<String, Integer> codeOf) {
        String expression = statement.text(from);
        String lower = expression.toLowerCase(Locale.ROOT);
        if (lower.contains("!=") || lower.matches(".*\\bnot\\b.*")) {
            return Scope.of(level, name);
        }
        List<String> strings = statement.tokens().subList(from, statement.tokens().size()).stream()
                .filter(IscSyntax.Token::quoted).map(IscSyntax.Token::text).toList();
        if (lower.contains("vendor-class-identifier") && !strings.isEmpty()) {
            boolean prefix = lower.contains("substring") || lower.contains("suffix");
            boolean ale = strings.stream().anyMatch(s -> AlePhones.matchesAleVendorClass(s, prefix));
            return new Scope(Scope.Level.VENDOR_CLASS, name, ale, ale ? "ALE phones send this vendor class"
                    : "ALE phones send another vendor class");
        }
        if (lower.contains("hardware")) {
            Matcher hex = HEX_BYTES.matcher(lower);
            if (hex.find()) {
                String bytes = hex.group();
                String mac = bytes.split(":").length == 4 || bytes.split(":").length == 7
                        ? bytes.substring(bytes.indexOf(':') + 1) : bytes;
                boolean ale = AlePhones.isAleMac(mac);
                return new Scope(Scope.Level.HOST, name, ale, ale ? "an ALE MAC block" : "not an ALE MAC block");
            }
        }
        Matcher reference = OPTION_REFERENCE.matcher(lower);
        while (reference.find()) {
            Integer code = codeOf.apply(reference.group(1));
            if (code != null && !AlePhones.SENT_OPTIONS.contains(code)) {
                return new Scope(level, name, false, "ALE phones send no option " + code);
            }
        }
        return Scope.of(level, name);
    }

    private static String prefix(String mask) {
        String[] parts = mask.split("\\.");
        if (parts.length != 4) {
            return "";
        }
        int bits = 0;
        for (String part : parts) {
            try {
                bits += Integer.bitCount(Integer.parseInt(part) & 0xff);
            } catch (NumberFormatException e) {
                return "";
            }
        }
        return "/" + bits;
    }
}
