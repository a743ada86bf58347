package io.hub.profiles;

/** Escaping for XML attribute values, and the characters XML 1.0 cannot carry at all. */
final class XmlText {

    private XmlText() {
    }

    /** Appends {@code value} to {@code out} escaped for use inside a double- or single-quoted attribute. */
    static void appendAttribute(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                // Attribute normalisation would turn these into spaces; character references keep them.
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
    }

    /**
     * Refuses characters that XML 1.0 cannot represent even escaped (NUL and most C0 controls,
     * lone surrogates, U+FFFE/U+FFFF).
     *
     * @throws IllegalArgumentException naming the key and the offending code point
     */
    static void requireXmlCharacters(String key, String value) {
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            boolean allowed = codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD
                    || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                    || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                    || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
            if (!allowed || Character.isSurrogate(value.charAt(i)) && Character.charCount(codePoint) == 1) {
                throw new IllegalArgumentException(key + " holds character U+" + String.format("%04X", codePoint)
                        + ", which XML cannot carry");
            }
            i += Character.charCount(codePoint);
        }
    }
}
