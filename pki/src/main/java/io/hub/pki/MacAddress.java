package io.hub.pki;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device's MAC address, always held as 12 lower-case hex digits ({@code 00809faabbcc}).
 *
 * <p>Accepted spellings are the ones phones, admins and certificates use: {@code 00:80:9F:AA:BB:CC},
 * {@code 00-80-9f-aa-bb-cc}, {@code 0080.9faa.bbcc} and {@code 00809FAABBCC}. Mixed separators and
 * any other grouping are refused, because a MAC that was mistyped must not silently match another.
 */
public record MacAddress(String value) {

    private static final Pattern NORMALISED = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern PLAIN = Pattern.compile("[0-9a-fA-F]{12}");
    private static final Pattern COLONS = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final Pattern DASHES = Pattern.compile("[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){5}");
    private static final Pattern DOTS = Pattern.compile("[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){2}");

    public MacAddress {
        if (value == null || !NORMALISED.matcher(value).matches()) {
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

    /** Parses any accepted spelling, or returns empty for anything else (including null). */
    public static Optional<MacAddress> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        if (PLAIN.matcher(trimmed).matches() || COLONS.matcher(trimmed).matches()
                || DASHES.matcher(trimmed).matches() || DOTS.matcher(trimmed).matches()) {
            return Optional.of(new MacAddress(trimmed.replaceAll("[:.-]", "").toLowerCase(Locale.ROOT)));
        }
        return Optional.empty();
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
