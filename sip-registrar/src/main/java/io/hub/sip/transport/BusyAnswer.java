package io.hub.sip.transport;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The 503 for a request from a source over its budget, written from the request's own header lines
 * without JAIN-SIP: what flood control refuses is never parsed (parsing is what a flood costs). The
 * answer carries the lines RFC 3261 §8.2.6.2 copies into a response (every Via, From, To, Call-ID,
 * CSeq, as the peer wrote them, compact forms included) and a Retry-After. A request missing one of
 * them, an ACK (never answered) or a response gets nothing.
 */
final class BusyAnswer {

    private static final Set<String> COPIED = Set.of("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq");

    private BusyAnswer() {
    }

    /** True when the message is a response (its first line starts with the SIP version). */
    static boolean isResponse(byte[] message) {
        return startsWith(message, "SIP/");
    }

    /** True for an ACK, which is never answered. */
    static boolean isAck(byte[] message) {
        return startsWith(message, "ACK ");
    }

    /** The 503 for {@code request}, or empty when it is not one to answer. */
    static Optional<byte[]> of(byte[] request, long retryAfterSeconds) {
        if (isResponse(request) || isAck(request)) {
            return Optional.empty();
        }
        String text = new String(request, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n", -1);
        StringBuilder answer = new StringBuilder("SIP/2.0 503 Service Unavailable\r\n");
        Set<String> seen = new java.util.HashSet<>();
        String current = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                // A folded line continues the header before it (RFC 3261 §7.3.1).
                if (current != null) {
                    answer.append(' ').append(line.strip());
                }
                continue;
            }
            if (current != null) {
                answer.append("\r\n");
                current = null;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (COPIED.contains(name)) {
                seen.add(canonical(name));
                current = name;
                answer.append(line);
            }
        }
        if (current != null) {
            answer.append("\r\n");
        }
        if (seen.size() < 5) {
            return Optional.empty();
        }
        answer.append("Retry-After: ").append(Math.max(1, retryAfterSeconds)).append("\r\n")
                .append("Content-Length: 0\r\n\r\n");
        return Optional.of(answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String canonical(String name) {
        return switch (name) {
            case "v" -> "via";
            case "f" -> "from";
            case "t" -> "to";
            case "i" -> "call-id";
            default -> name;
        };
    }

    private static boolean startsWith(byte[] message, String prefix) {
        if (message.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (message[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
