package io.hub.dhcp.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place a DHCP option sends a phone to.
 *
 * @param value the URL, server name or address, or file name as the option gives it
 * @param kind what it is
 */
public record Location(String value, Kind kind) {

    /** What a location is. */
    public enum Kind {
        /** A URL with a scheme ({@code https://…}, {@code tftp://…}). */
        URL,
        /** A bare server name or address (served by TFTP when nothing else is said). */
        SERVER,
        /** A file name, fetched from whatever TFTP server the reply names. */
        FILE
    }

    private static final Pattern URL_PATTERN = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s,;\"'<>]+");
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?::\\d{1,5})?(?![\\d.])");
    private static final Pattern HOST = Pattern.compile(
            "(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,63}(?::\\d{1,5})?");

    /** The scheme of a URL location, lower case; empty for other kinds. */
    public String scheme() {
        if (kind != Kind.URL) {
            return "";
        }
        return value.substring(0, value.indexOf(':')).toLowerCase(Locale.ROOT);
    }

    /** A value that is one location: a URL, else a server (or a file, for {@code bareKind} FILE). */
    public static Location of(String value, Kind bareKind) {
        String stripped = value.strip();
        return URL_PATTERN.matcher(stripped).matches() ? new Location(stripped, Kind.URL)
                : new Location(stripped, bareKind);
    }

    /**
     * The locations inside free text (vendor-specific data): every URL, every IPv4 address outside
     * them, or the whole text when it is nothing but a host name.
     */
    public static List<Location> find(String text) {
        List<Location> found = new ArrayList<>();
        Matcher url = URL_PATTERN.matcher(text);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (url.find()) {
            found.add(new Location(url.group(), Kind.URL));
            rest.append(text, last, url.start()).append(' ');
            last = url.end();
        }
        rest.append(text.substring(last));
        Matcher address = IPV4.matcher(rest);
        while (address.find()) {
            found.add(new Location(address.group(), Kind.SERVER));
        }
        if (found.isEmpty() && HOST.matcher(text.strip()).matches()) {
            found.add(new Location(text.strip(), Kind.SERVER));
        }
        return found;
    }
}
