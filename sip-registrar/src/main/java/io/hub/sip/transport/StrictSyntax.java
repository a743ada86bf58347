package io.hub.sip.transport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RFC 3261 grammar rules JAIN-SIP's parser lets through (RFC 4475 §3.1.2 shows which):
 * checked on the raw text before a message is handled, so an invalid message is refused rather
 * than half-understood.
 */
final class StrictSyntax {

    /** A message the hub refuses, and the status to answer it with. */
    record Violation(int status, String reason) {
    }

    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Za-z0-9.!%*_+`'~-]+) (\\S+) (SIP/\\d+\\.\\d+)");
    private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 [1-6]\\d\\d .*");
    private static final Pattern TOKENS = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+([ \\t]+[A-Za-z0-9.!%*_+`'~-]+)*");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\\\]|\\\\.)*\"");

    private StrictSyntax() {
    }

    static Optional<Violation> check(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        String firstLine = end < 0 ? text : text.substring(0, end);
        if (firstLine.startsWith("SIP/")) {
            return STATUS_LINE.matcher(firstLine).matches() ? Optional.empty()
                    : Optional.of(new Violation(400, "malformed status line"));
        }
        Matcher request = REQUEST_LINE.matcher(firstLine);
        if (!request.matches()) {
            return Optional.of(new Violation(400, "malformed request line"));
        }
        if (!request.group(3).equals("SIP/2.0")) {
            return Optional.of(new Violation(505, "version " + request.group(3) + " is not supported"));
        }
        String method = request.group(1);
        // Line by line in place: splitting the message with a regular expression was a tenth of a
        // REGISTER's handling.
        for (int start = end + 2; start < text.length(); ) {
            int lineEnd = text.indexOf("\r\n", start);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            if (lineEnd == start) {
                break;
            }
            int colon = text.indexOf(':', start);
            if (colon > start && colon < lineEnd) {
                // The name, its white space aside as strip() drops it, is compared in place: only the
                // three headers checked here are cut out.
                int nameStart = start;
                int nameEnd = colon;
                while (nameStart < nameEnd && Character.isWhitespace(text.charAt(nameStart))) {
                    nameStart++;
                }
                while (nameEnd > nameStart && Character.isWhitespace(text.charAt(nameEnd - 1))) {
                    nameEnd--;
                }
                if (isName(text, nameStart, nameEnd, "cseq")) {
                    if (!method.equals(cseqMethod(text.substring(colon + 1, lineEnd).strip()))) {
                        return Optional.of(new Violation(400, "CSeq method does not match the request line"));
                    }
                } else if (isName(text, nameStart, nameEnd, "from") || isName(text, nameStart, nameEnd, "f")
                        || isName(text, nameStart, nameEnd, "to") || isName(text, nameStart, nameEnd, "t")) {
                    String problem = nameAddrProblem(text.substring(colon + 1, lineEnd).strip());
                    if (problem != null) {
                        return Optional.of(new Violation(400, problem + " in " + text.substring(nameStart, nameEnd)));
                    }
                }
            }
            start = lineEnd + 2;
        }
        return Optional.empty();
    }

    /** The method of a CSeq value that is exactly a number and a method, else null. */
    private static String cseqMethod(String value) {
        int first = 0;
        while (first < value.length() && !isSpace(value.charAt(first))) {
            first++;
        }
        int second = first;
        while (second < value.length() && isSpace(value.charAt(second))) {
            second++;
        }
        if (first == 0 || second == value.length()) {
            return null;
        }
        for (int i = second; i < value.length(); i++) {
            if (isSpace(value.charAt(i))) {
                return null;
            }
        }
        return value.substring(second);
    }

    /** True when {@code text[start, end)} is {@code name} in any case. */
    private static boolean isName(String text, int start, int end, String name) {
        return end - start == name.length() && text.regionMatches(true, start, name, 0, name.length());
    }

    /** What {@code \\s} matches. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Null when {@code value} is a valid name-addr or addr-spec, else what is wrong. */
    private static String nameAddrProblem(String value) {
        int open = value.indexOf('<');
        if (open < 0) {
            return null;
        }
        int close = value.indexOf('>', open);
        if (close < 0) {
            return "an unclosed <";
        }
        String uri = value.substring(open + 1, close);
        if (uri.isEmpty() || hasWhitespace(uri)) {
            return "spaces within the addr-spec";
        }
        String displayName = value.substring(0, open).strip();
        if (!displayName.isEmpty() && !QUOTED.matcher(displayName).matches()
                && !TOKENS.matcher(displayName).matches()) {
            return "a display name that is neither tokens nor a quoted string";
        }
        return null;
    }
}
