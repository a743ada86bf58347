package io.hub.pki.log;

/**
 * Makes a value safe to write into a log line: control characters are escaped, so a phone or a URL
 * cannot end the line and forge the next one, and a long value is clipped, so one request cannot
 * write kilobytes. Every module that logs what a peer sent uses this one helper (it lives in pki,
 * the module all others depend on).
 *
 * <p>CR, LF and TAB become {@code \r}, {@code \n} and {@code \t}; every other C0 or C1 control
 * character, DEL and the Unicode line and paragraph separators become {@code \xHH} (the
 * separators as a backslash, {@code u} and four hex digits). Nothing else changes, so ordinary
 * values read as they are.
 */
public final class LogText {

    /** Longer values are clipped to this many characters, and the clip says how many were left out. */
    public static final int MAX_LENGTH = 300;

    private LogText() {
    }

    /** {@code value} escaped and clipped to {@link #MAX_LENGTH}; {@code "null"} for null. */
    public static String of(Object value) {
        return of(value, MAX_LENGTH);
    }

    /** {@code value} escaped and clipped to {@code maxLength} characters of the original. */
    public static String of(Object value, int maxLength) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        int end = Math.min(text.length(), maxLength);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            String escaped = escape(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(end + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        if (out == null && end == text.length()) {
            return text;
        }
        if (out == null) {
            out = new StringBuilder(end + 24).append(text, 0, end);
        }
        if (end < text.length()) {
            out.append("...[+").append(text.length() - end).append(" chars]");
        }
        return out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\r' -> "\\r";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\u2028', '\u2029' -> String.format("\\u%04x", (int) c);
            default -> c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c) : null;
        };
    }
}
