package io.hub.dhcp.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** dnsmasq's configuration syntax: one {@code key[=value]} a line, comma-separated items, includes. */
final class DnsmasqFiles {

    /** One line of configuration. */
    record Directive(String key, String value, String where) {
    }

    private static final int MAX_FILES = 256;
    private static final int MAX_DEPTH = 8;

    /** dnsmasq's names for {@code option:NAME} (dnsmasq --help dhcp). */
    private static final Map<String, Integer> OPTION_NAMES = Map.ofEntries(Map.entry("netmask", 1),
            Map.entry("time-offset", 2), Map.entry("router", 3), Map.entry("dns-server", 6),
            Map.entry("log-server", 7), Map.entry("lpr-server", 9), Map.entry("hostname", 12),
            Map.entry("boot-file-size", 13), Map.entry("domain-name", 15), Map.entry("swap-server", 16),
            Map.entry("root-path", 17), Map.entry("extension-path", 18), Map.entry("ip-forward-enable", 19),
            Map.entry("non-local-source-routing", 20), Map.entry("policy-filter", 21),
            Map.entry("max-datagram-reassembly", 22), Map.entry("default-ttl", 23), Map.entry("mtu", 26),
            Map.entry("all-subnets-local", 27), Map.entry("broadcast", 28), Map.entry("router-discovery", 31),
            Map.entry("router-solicitation", 32), Map.entry("static-route", 33),
            Map.entry("trailer-encapsulation", 34), Map.entry("arp-timeout", 35), Map.entry("ethernet-encap", 36),
            Map.entry("tcp-ttl", 37), Map.entry("tcp-keepalive", 38), Map.entry("nis-domain", 40),
            Map.entry("nis-server", 41), Map.entry("ntp-server", 42), Map.entry("vendor-encap", 43),
            Map.entry("netbios-ns", 44), Map.entry("netbios-dd", 45), Map.entry("netbios-nodetype", 46),
            Map.entry("netbios-scope", 47), Map.entry("x-windows-fs", 48), Map.entry("x-windows-dm", 49),
            Map.entry("requested-address", 50), Map.entry("lease-time", 51), Map.entry("option-overload", 52),
            Map.entry("message-type", 53), Map.entry("server-identifier", 54), Map.entry("parameter-request", 55),
            Map.entry("message", 56), Map.entry("max-message-size", 57), Map.entry("t1", 58), Map.entry("t2", 59),
            Map.entry("vendor-class", 60), Map.entry("client-id", 61), Map.entry("nis+-domain", 64),
            Map.entry("nis+-server", 65), Map.entry("tftp-server", 66), Map.entry("bootfile-name", 67),
            Map.entry("mobile-ip-home", 68), Map.entry("smtp-server", 69), Map.entry("pop3-server", 70),
            Map.entry("nntp-server", 71), Map.entry("irc-server", 74), Map.entry("user-class", 77),
            Map.entry("rapid-commit", 80), Map.entry("fqdn", 81), Map.entry("agent-id", 82),
            Map.entry("client-arch", 93), Map.entry("client-interface-id", 94), Map.entry("client-machine-id", 97),
            Map.entry("posix-timezone", 100), Map.entry("tzdb-timezone", 101), Map.entry("captive-portal", 114),
            Map.entry("subnet-select", 118), Map.entry("domain-search", 119), Map.entry("sip-server", 120),
            Map.entry("classless-static-route", 121), Map.entry("vendor-id-encap", 125),
            Map.entry("tftp-server-address", 150), Map.entry("server-ip-address", 255));

    private DnsmasqFiles() {
    }

    /** Every directive of {@code file} and the files it includes, in the order dnsmasq reads them. */
    static List<Directive> read(Path file) {
        List<Directive> directives = new ArrayList<>();
        read(file, 0, new HashSet<>(), directives);
        return directives;
    }

    private static void read(Path file, int depth, Set<Path> seen, List<Directive> directives) {
        if (depth > MAX_DEPTH || seen.size() >= MAX_FILES) {
            throw new ConfigException(file + ": includes nest deeper than " + MAX_DEPTH + " or name more than "
                    + MAX_FILES + " files");
        }
        if (!seen.add(file.toAbsolutePath().normalize())) {
            return;
        }
        String text = ConfigText.read(file);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = withoutComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1);
            int equals = line.indexOf('=');
            String key = (equals < 0 ? line : line.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : line.substring(equals + 1).strip();
            if (!key.matches("[a-z0-9-]+")) {
                throw new ConfigException(where + ": bad option at line " + (i + 1) + " of " + file.getFileName()
                        + " ('" + abbreviate(line) + "' is not a dnsmasq directive)");
            }
            switch (key) {
                case "conf-file" -> read(resolve(file, value), depth + 1, seen, directives);
                case "conf-dir" -> confDir(file, value, where, depth, seen, directives);
                default -> directives.add(new Directive(key, value, where));
            }
        }
    }

    /** {@code conf-dir=DIR[,.ext-to-skip…]} or {@code conf-dir=DIR,*.conf}: the directory's files in name order. */
    private static void confDir(Path file, String value, String where, int depth, Set<Path> seen,
            List<Directive> directives) {
        List<String> items = unquoted(items(value));
        if (items.isEmpty()) {
            throw new ConfigException(where + ": conf-dir names no directory");
        }
        Path directory = resolve(file, items.get(0));
        List<String> filters = items.subList(1, items.size());
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(Files::isRegularFile).filter(path -> included(path, filters)).sorted()
                    .limit(MAX_FILES).toList();
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read conf-dir " + directory + ": " + e.getMessage());
        }
        for (Path included : files) {
            read(included, depth + 1, seen, directives);
        }
    }

    private static boolean included(Path path, List<String> filters) {
        String name = path.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#"))) {
            return false;
        }
        List<String> wanted = filters.stream().filter(f -> f.startsWith("*")).map(f -> f.substring(1)).toList();
        if (!wanted.isEmpty()) {
            return wanted.stream().anyMatch(name::endsWith);
        }
        return filters.stream().noneMatch(name::endsWith);
    }

    private static Path resolve(Path file, String name) {
        Path path = Path.of(name.strip());
        Path parent = file.toAbsolutePath().getParent();
        return path.isAbsolute() || parent == null ? path : parent.resolve(path);
    }

    /** A {@code #} outside quotes, at the start or after a blank, starts a comment. */
    private static String withoutComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** The comma-separated items of a value; commas inside quotes do not separate. Quotes are kept. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                item.append(c).append(value.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                item.append(c);
            } else if (c == ',' && !quoted) {
                items.add(item.toString().strip());
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        if (!value.isBlank()) {
            items.add(item.toString().strip());
        }
        return items;
    }

    /** Items without their quotes and escapes. */
    static List<String> unquoted(List<String> items) {
        List<String> values = new ArrayList<>(items.size());
        for (String item : items) {
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < item.length(); i++) {
                char c = item.charAt(i);
                if (c == '\\' && i + 1 < item.length()) {
                    value.append(item.charAt(++i));
                } else if (c != '"') {
                    value.append(c);
                }
            }
            values.add(value.toString());
        }
        return values;
    }

    /**
     * The code of {@code 66} or {@code option:tftp-server}.
     *
     * @throws ConfigException for a name dnsmasq does not know, or something that is no option
     */
    static int optionCode(String item, String where) {
        if (isUnknownName(item)) {
            throw new ConfigException(where + ": bad dhcp-option: unknown option name '" + item.strip().substring(7)
                    + "' (dnsmasq --help dhcp lists the known ones)");
        }
        String spec = item.strip();
        if (spec.startsWith("option:")) {
            Integer code = OPTION_NAMES.get(spec.substring(7).toLowerCase(Locale.ROOT));
            if (code == null) {
                throw new ConfigException(where + ": unknown option name '" + spec.substring(7)
                        + "' (dnsmasq --help dhcp lists the known ones)");
            }
            return code;
        }
        if (spec.matches("\\d{1,3}") && Integer.parseInt(spec) <= 255) {
            return Integer.parseInt(spec);
        }
        throw new ConfigException(where + ": bad dhcp-option: '" + abbreviate(spec) + "' is neither an option number "
                + "(0-255) nor "
                + "option:NAME");
    }

    /**
     * True for {@code option:NAME} with a name dnsmasq {@value DnsmasqDirectives#VERSION} does not
     * know; a newer dnsmasq may, so the checker warns rather than refuses.
     */
    static boolean isUnknownName(String item) {
        String spec = item.strip();
        return spec.startsWith("option:") && !OPTION_NAMES.containsKey(spec.substring(7).toLowerCase(Locale.ROOT));
    }

    /** A MAC or MAC pattern as dnsmasq writes it ({@code 00:80:9f:*:*:*}, optionally with a hardware type). */
    static boolean isMac(String item) {
        return item.strip().matches("(?:\\d+-)?(?:[0-9A-Fa-f*]{1,2}[:-]){5}[0-9A-Fa-f*]{1,2}");
    }

    static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
    }
}
