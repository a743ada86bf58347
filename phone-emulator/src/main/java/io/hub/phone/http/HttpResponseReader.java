package io.hub.phone.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response from bytes as they arrive: the head, then a body framed by
 * Content-Length, chunked coding, or the end of the connection. A body is either kept (up to a cap)
 * or only counted and digested with SHA-256, as a phone checks a firmware image it streams to flash.
 */
final class HttpResponseReader {

    private static final int MAX_HEAD = 64 * 1024;
    private static final int END_OF_HEAD = ('\r' << 24) | ('\n' << 16) | ('\r' << 8) | '\n';

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DONE }

    private final boolean noBody;
    private final int keepAtMost;
    private final MessageDigest digest;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final StringBuilder line = new StringBuilder();
    private State state = State.HEAD;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int tail;
    private long remaining = -1;
    private long bodyLength;
    private boolean untilClose;

    /**
     * @param noBody true for the answer to HEAD
     * @param keepAtMost bytes of body kept; 0 means the body is only counted and digested
     */
    HttpResponseReader(boolean noBody, int keepAtMost) {
        this.noBody = noBody;
        this.keepAtMost = keepAtMost;
        try {
            this.digest = keepAtMost == 0 ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Consumes what belongs to this response from {@code data}.
     *
     * @return true when the response is complete
     * @throws HttpFailure when the bytes are not an HTTP response or break a limit
     */
    boolean feed(ByteBuffer data) {
        while (data.hasRemaining() && state != State.DONE) {
            switch (state) {
                case HEAD -> readHead(data);
                case BODY -> body(data);
                case CHUNK_SIZE, CHUNK_END, TRAILERS -> chunkLine(data);
                case CHUNK_DATA -> chunkData(data);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }

    /** The connection ended: a body framed by the close is complete, anything else was cut short. */
    boolean endOfStream() {
        if (state == State.BODY && untilClose) {
            state = State.DONE;
            return true;
        }
        return state == State.DONE;
    }

    boolean keepsConnection() {
        return !untilClose && !"close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    }

    HttpAnswer answer() {
        return new HttpAnswer(status, Map.copyOf(headers), kept.toByteArray(), bodyLength,
                digest == null ? null : HexFormat.of().formatHex(digest.digest()));
    }

    private void readHead(ByteBuffer data) {
        while (data.hasRemaining()) {
            byte b = data.get();
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new HttpFailure("the response head is larger than " + MAX_HEAD + " bytes");
            }
            tail = (tail << 8) | (b & 0xff);
            if (tail == END_OF_HEAD) {
                parseHead(head.toString(StandardCharsets.ISO_8859_1));
                return;
            }
        }
    }

    private void parseHead(String text) {
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new HttpFailure("not an HTTP/1.x response: " + lines[0]);
        }
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new HttpFailure("bad status line: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        if (noBody || status == 204 || status == 304 || status / 100 == 1) {
            state = State.DONE;
        } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            state = State.CHUNK_SIZE;
        } else if (headers.containsKey("content-length")) {
            try {
                remaining = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new HttpFailure("bad Content-Length: " + headers.get("content-length"));
            }
            state = remaining == 0 ? State.DONE : State.BODY;
        } else {
            untilClose = true;
            state = State.BODY;
        }
    }

    private void body(ByteBuffer data) {
        int take = untilClose ? data.remaining() : (int) Math.min(remaining, data.remaining());
        consume(data, take);
        if (!untilClose) {
            remaining -= take;
            if (remaining == 0) {
                state = State.DONE;
            }
        }
    }

    private void chunkData(ByteBuffer data) {
        int take = (int) Math.min(remaining, data.remaining());
        consume(data, take);
        remaining -= take;
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private void chunkLine(ByteBuffer data) {
        while (data.hasRemaining()) {
            char c = (char) (data.get() & 0xff);
            if (c != '\n') {
                if (line.length() > 1024) {
                    throw new HttpFailure("a chunk line is longer than 1024 bytes");
                }
                line.append(c);
                continue;
            }
            String text = line.toString().strip();
            line.setLength(0);
            switch (state) {
                case CHUNK_SIZE -> {
                    try {
                        remaining = Long.parseLong(text.split(";", 2)[0].strip(), 16);
                    } catch (NumberFormatException e) {
                        throw new HttpFailure("bad chunk size: " + text);
                    }
                    state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_END -> state = State.CHUNK_SIZE;
                case TRAILERS -> {
                    if (text.isEmpty()) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
            return;
        }
    }

    private void consume(ByteBuffer data, int count) {
        bodyLength += count;
        if (digest != null) {
            ByteBuffer slice = data.slice().limit(count);
            digest.update(slice);
        } else {
            if (kept.size() + count > keepAtMost) {
                throw new HttpFailure("the response body is larger than " + keepAtMost + " bytes");
            }
            kept.write(data.array(), data.arrayOffset() + data.position(), count);
        }
        data.position(data.position() + count);
    }
}
