package io.hub.phone.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A SIP message as a phone handles it: the start line, the header lines in order (compact names
 * expanded), and the body. Small on purpose: a phone reads a few headers and copies others into its
 * answers; it never needs the whole grammar.
 */
public final class SipMessage {

    private static final Map<String, String> COMPACT = Map.of("v", "Via", "f", "From", "t", "To", "i", "Call-ID",
            "m", "Contact", "l", "Content-Length", "c", "Content-Type", "k", "Supported", "e", "Content-Encoding",
            "s", "Subject");

    private final String startLine;
    private final List<String[]> headers;
    private final byte[] body;

    private SipMessage(String startLine, List<String[]> headers, byte[] body) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Parses one whole message: the head with its blank line, then the body.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SipMessage parse(byte[] head, byte[] body) {
        List<String> lines = lines(new String(head, StandardCharsets.UTF_8));
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IllegalArgumentException("a SIP message needs a start line");
        }
        String start = lines.get(0);
        if (!start.startsWith("SIP/2.0 ") && !start.endsWith(" SIP/2.0")) {
            throw new IllegalArgumentException("not a SIP/2.0 start line: " + start);
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1);
                last[1] = last[1] + " " + line.strip();
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a header line: " + line);
            }
            headers.add(new String[] {canonical(line.substring(0, colon).strip()), line.substring(colon + 1).strip()});
        }
        return new SipMessage(start, headers, body);
    }

    /** The CR LF separated lines of {@code text}, without the empty ones at its end. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(16);
        int from = 0;
        for (int crlf; (crlf = text.indexOf("\r\n", from)) >= 0; from = crlf + 2) {
            lines.add(text.substring(from, crlf));
        }
        lines.add(text.substring(from));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    public static Builder request(String method, String uri) {
        return new Builder(method + " " + uri + " SIP/2.0");
    }

    /** An answer to {@code request}: its Via lines, From, To (with {@code toTag} when it has none), Call-ID and CSeq. */
    public static Builder response(SipMessage request, int status, String reason, String toTag) {
        Builder builder = new Builder("SIP/2.0 " + status + " " + reason);
        for (String via : request.headers("Via")) {
            builder.header("Via", via);
        }
        builder.header("From", request.header("From").orElse(""));
        String to = request.header("To").orElse("");
        builder.header("To", toTag != null && parameter(to, "tag") == null ? to + ";tag=" + toTag : to);
        builder.header("Call-ID", request.callId());
        builder.header("CSeq", request.header("CSeq").orElse(""));
        return builder;
    }

    public boolean isRequest() {
        return !startLine.startsWith("SIP/2.0 ");
    }

    /** The request's method, or the method its CSeq names for a response. */
    public String method() {
        if (isRequest()) {
            return startLine.substring(0, startLine.indexOf(' '));
        }
        String cseq = header("CSeq").orElse("");
        int space = cseq.indexOf(' ');
        return space < 0 ? "" : cseq.substring(space + 1).strip();
    }

    public String requestUri() {
        String[] parts = startLine.split(" ");
        return parts.length == 3 ? parts[1] : "";
    }

    /** The status code of a response; 0 for a request. */
    public int status() {
        if (isRequest()) {
            return 0;
        }
        String[] parts = startLine.split(" ", 3);
        try {
            return Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public String reason() {
        String[] parts = startLine.split(" ", 3);
        return parts.length == 3 ? parts[2] : "";
    }

    public String startLine() {
        return startLine;
    }

    /** The first value of a header, by its full name (compact forms were expanded when parsing). */
    public Optional<String> header(String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return Optional.of(header[1]);
            }
        }
        return Optional.empty();
    }

    /** Every value of a header, one per line (a comma-separated line stays one value). */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                values.add(header[1]);
            }
        }
        return values;
    }

    public String callId() {
        return header("Call-ID").orElse("");
    }

    public long cseq() {
        String cseq = header("CSeq").orElse("").strip();
        int space = cseq.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? cseq : cseq.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The branch of the top Via, which matches answers to requests. */
    public String branch() {
        return header("Via").map(via -> parameter(via, "branch")).orElse("");
    }

    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The value of {@code ;name=value} in a header value (outside its angle brackets), or null. */
    public static String parameter(String headerValue, String name) {
        int close = headerValue.lastIndexOf('>');
        String params = close >= 0 ? headerValue.substring(close + 1) : headerValue;
        for (String part : params.split(";")) {
            int equals = part.indexOf('=');
            String key = (equals < 0 ? part : part.substring(0, equals)).strip();
            if (key.equalsIgnoreCase(name)) {
                return equals < 0 ? "" : unquote(part.substring(equals + 1).strip());
            }
        }
        return null;
    }

    /** The URI of a name-addr ({@code "Name" <sip:…>;tag=…}) or of a bare addr-spec. */
    public static String uri(String headerValue) {
        int open = headerValue.indexOf('<');
        int close = headerValue.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return headerValue.substring(open + 1, close);
        }
        int semicolon = headerValue.indexOf(';');
        return (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon)).strip();
    }

    /** The user part of a sip: URI, or empty. */
    public static String user(String uri) {
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        return colon >= 0 && at > colon ? uri.substring(colon + 1, at) : "";
    }

    public byte[] encode() {
        StringBuilder text = new StringBuilder(512).append(startLine).append("\r\n");
        for (String[] header : headers) {
            if (!header[0].equalsIgnoreCase("Content-Length")) {
                text.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
        }
        text.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }

    private static String canonical(String name) {
        if (name.length() != 1) {
            return name; // only compact names, one letter each, are expanded
        }
        String full = COMPACT.get(name.toLowerCase(Locale.ROOT));
        return full != null ? full : name;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** Builds a message header by header. */
    public static final class Builder {
        private final String startLine;
        private final List<String[]> headers = new ArrayList<>();
        private byte[] body = new byte[0];

        private Builder(String startLine) {
            this.startLine = startLine;
        }

        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Sets the body with its Content-Type. */
        public Builder body(String contentType, String text) {
            header("Content-Type", contentType);
            body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public SipMessage build() {
            return new SipMessage(startLine, List.copyOf(headers), body);
        }
    }
}
