package io.hub.dhcp.decode;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Option bytes as people read them: text when it is text, colon-separated hex otherwise. */
public final class Bytes {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":");

    private Bytes() {
    }

    /**
     * True for valid UTF-8 without control characters; trailing NULs are allowed, since many servers
     * terminate strings with one.
     */
    public static boolean printable(byte[] bytes) {
        int end = withoutTrailingNuls(bytes);
        if (end == 0) {
            return bytes.length == 0;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return text.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\t');
    }

    /** The bytes as text without trailing NULs; control characters and bad UTF-8 become escapes. */
    public static String text(byte[] bytes) {
        String text = new String(bytes, 0, withoutTrailingNuls(bytes), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) && c != '\t') {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Parses {@code 01:04:0a:01:01:05} (also with dashes, spaces or none between pairs).
     *
     * @throws IllegalArgumentException when it is not hex pairs
     */
    public static byte[] parseHex(String text) {
        String stripped = text.strip();
        if (stripped.matches("[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2})+")) {
            String[] groups = stripped.split(":");
            byte[] bytes = new byte[groups.length];
            for (int i = 0; i < groups.length; i++) {
                bytes[i] = (byte) Integer.parseInt(groups[i], 16);
            }
            return bytes;
        }
        String compact = stripped.replaceAll("[\\s-]", "");
        if (compact.isEmpty() || compact.length() % 2 != 0 || !compact.matches("[0-9A-Fa-f]+")) {
            throw new IllegalArgumentException("'" + text + "' is not hex bytes such as 01:04:0a:01:01:05");
        }
        return HexFormat.of().parseHex(compact);
    }

    /** True for text that parses as colon-separated hex pairs ({@code 01:02:ff}). */
    public static boolean looksLikeHex(String text) {
        return text.strip().matches("[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2})+");
    }

    private static int withoutTrailingNuls(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }
}
