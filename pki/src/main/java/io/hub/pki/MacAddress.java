package io.hub.pki;

import java.util.Optional;

/**
 * A device's MAC address, always held as 12 lower-case hex digits ({@code 00809faabbcc}).
 *
 * <p>Accepted spellings are the ones phones, admins and certificates use: {@code 00:80:9F:AA:BB:CC},
 * {@code 00-80-9f-aa-bb-cc}, {@code 0080.9faa.bbcc} and {@code 00809FAABBCC}. Mixed separators and
 * any other grouping are refused, because a MAC that was mistyped must not silently match another.
 */
public record MacAddress(String value) {

    public MacAddress {
        if (value == null || value.length() != 12 || !value.chars().allMatch(c -> c >= '0' && c <= '9'
                || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("not a normalised MAC address: " + value);
        }
    }

    /**
     * Parses any accepted spelling.
     *
     * @throws IllegalArgumentException with a one-line message naming the input and the accepted forms
     */
    public static MacAddress parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                "malformed MAC address '" + text + "': expected 12 hex digits as "
                        + "00:80:9f:aa:bb:cc, 00-80-9f-aa-bb-cc, 0080.9faa.bbcc or 00809faabbcc"));
    }

    /**
     * Parses any accepted spelling, or returns empty for anything else (including null). Read by hand,
     * not with regular expressions: every device request parses the MAC it names, and four pattern
     * matches were a tenth of a kept-alive configuration fetch's own work.
     */
    public static Optional<MacAddress> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        return switch (trimmed.length()) {
            case 12 -> digits(trimmed, 0, ' ');
            case 17 -> trimmed.charAt(2) == ':' || trimmed.charAt(2) == '-' ? digits(trimmed, 2, trimmed.charAt(2))
                    : Optional.empty();
            case 14 -> digits(trimmed, 4, '.');
            default -> Optional.empty();
        };
    }

    /**
     * The MAC in {@code text} whose hex digits come in groups of {@code group} (0: one group of 12)
     * with {@code separator} between groups, or empty when any character is out of place.
     */
    private static Optional<MacAddress> digits(String text, int group, char separator) {
        char[] hex = new char[12];
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (group > 0 && i % (group + 1) == group) {
                if (c != separator) {
                    return Optional.empty();
                }
                continue;
            }
            char lower = c >= 'A' && c <= 'F' ? (char) (c + ('a' - 'A')) : c;
            if (!(lower >= '0' && lower <= '9' || lower >= 'a' && lower <= 'f') || digits == 12) {
                return Optional.empty();
            }
            hex[digits++] = lower;
        }
        return digits == 12 ? Optional.of(new MacAddress(new String(hex))) : Optional.empty();
    }

    /** The colon-separated form, {@code 00:80:9f:aa:bb:cc}, for people. */
    public String colonSeparated() {
        StringBuilder out = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(value, i, i + 2);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
