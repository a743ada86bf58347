package io.hub.sip.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a SIP stream (TLS or TCP) into messages and RFC 5626 keepalives, before any parser sees
 * it: a double CRLF outside a message is a ping, a single CRLF a pong (ignored); a message is its
 * header block up to the empty line, then exactly Content-Length bytes of body. Sizes are bounded,
 * so a peer that never ends its headers costs at most {@link #MAX_HEADER_BYTES}.
 *
 * <p>Input arrives in whatever pieces the network delivers; the state between pieces is kept here,
 * so a ping or a message split across reads is recognised all the same. Between messages nothing
 * is held. Not thread-safe: one connection's reads feed it in order.
 */
final class SipFraming {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** What came next on the stream. */
    sealed interface Unit permits Ping, Message {
    }

    record Ping() implements Unit {
    }

    record Message(byte[] bytes) implements Unit {
    }

    /** The stream broke the framing rules; the connection cannot be trusted to resynchronise. */
    static final class FramingException extends IOException {
        final int status;

        FramingException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final Ping PING = new Ping();
    private static final int INITIAL_MESSAGE_BYTES = 512;
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);

    /** Where the stream stands: between messages (with how much of a keepalive seen), or inside one. */
    private enum State { BETWEEN, CR, LINE, LINE_CR, HEADERS, BODY }

    private State state = State.BETWEEN;
    private byte[] message;
    private int size;
    private int matched;
    private int bodyLeft;
    private long startedAt = -1;

    /**
     * Consumes all of {@code input}, handing every complete unit to {@code sink} in order.
     *
     * @param now when this input arrived, kept as the start of a message it begins
     * @throws FramingException when the stream breaks the rules; units before the break were handed on
     */
    void feed(ByteBuffer input, long now, Consumer<Unit> sink) throws FramingException {
        while (input.hasRemaining()) {
            switch (state) {
                case BODY -> body(input, sink);
                case HEADERS -> headers(input, sink);
                default -> between(input.get(), now, sink);
            }
        }
    }

    /** When the message being received began, or -1 between messages. */
    long messageStartedAt() {
        return startedAt;
    }

    /** Counts the message being received as begun at {@code now}: its sender was not the one waiting. */
    void postpone(long now) {
        if (startedAt >= 0) {
            startedAt = now;
        }
    }

    /** Keepalive: CRLF CRLF is a ping, a lone CRLF a pong (RFC 5626 §4.4.1). */
    private void between(byte b, long now, Consumer<Unit> sink) throws FramingException {
        switch (state) {
            case BETWEEN -> {
                if (b == '\r') {
                    state = State.CR;
                } else if (b == '\n') {
                    state = State.LINE;
                } else {
                    begin(b, now);
                }
            }
            case CR -> {
                if (b != '\n') {
                    throw new FramingException(400, "a CR outside a message is not followed by LF");
                }
                state = State.LINE;
            }
            case LINE -> {
                if (b == '\r') {
                    state = State.LINE_CR;
                } else if (b != '\n') {
                    begin(b, now);
                }
            }
            case LINE_CR -> {
                if (b != '\n') {
                    throw new FramingException(400, "a CR outside a message is not followed by LF");
                }
                state = State.BETWEEN;
                sink.accept(PING);
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void begin(byte first, long now) {
        message = new byte[INITIAL_MESSAGE_BYTES];
        message[0] = first;
        size = 1;
        matched = 0;
        startedAt = now;
        state = State.HEADERS;
    }

    /**
     * Looks for the empty line in the input where it lies, then copies up to it in one piece: a copy
     * byte by byte was most of the selector thread's time under REGISTER load, and copying all the
     * input first would give each of several messages read at once a buffer as large as the read.
     */
    private void headers(ByteBuffer input, Consumer<Unit> sink) throws FramingException {
        if (size == MAX_HEADER_BYTES) {
            throw new FramingException(513, "the header block is larger than " + MAX_HEADER_BYTES + " bytes");
        }
        int from = input.position();
        int last = from + Math.min(input.remaining(), MAX_HEADER_BYTES - size);
        byte previous = message[size - 1];
        int end = from;
        while (end < last && matched < 4) {
            byte b = input.get(end++);
            if (b == '\n' && previous == '\n') {
                // A bare LF LF also ends the headers; tolerated as RFC 3261 §7.5 allows.
                matched = 4;
            } else if ((matched == 0 || matched == 2) && b == '\r' || (matched == 1 || matched == 3) && b == '\n') {
                matched++;
            } else {
                matched = b == '\r' ? 1 : 0;
            }
            previous = b;
        }
        ensure(size + end - from);
        input.get(message, size, end - from);
        size += end - from;
        if (matched == 4) {
            int length = contentLength(message, size);
            if (length > MAX_BODY_BYTES) {
                throw new FramingException(513, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            bodyLeft = length;
            state = State.BODY;
            body(input, sink);
        }
    }

    private void body(ByteBuffer input, Consumer<Unit> sink) {
        int take = Math.min(bodyLeft, input.remaining());
        if (take > 0) {
            ensure(size + take);
            input.get(message, size, take);
            size += take;
            bodyLeft -= take;
        }
        if (bodyLeft == 0) {
            byte[] complete = Arrays.copyOf(message, size);
            message = null;
            size = 0;
            startedAt = -1;
            state = State.BETWEEN;
            sink.accept(new Message(complete));
        }
    }

    private void append(byte b) {
        ensure(size + 1);
        message[size++] = b;
    }

    private void ensure(int capacity) {
        if (capacity > message.length) {
            message = Arrays.copyOf(message, Math.max(capacity, message.length * 2));
        }
    }

    /**
     * Content-Length (or its compact form l) of the header block in {@code bytes[0, size)}; 0 when
     * absent. Scans the bytes in place: this runs on the selector thread for every message, and a
     * regular-expression split of the block into lines took most of that thread's time under load.
     */
    static int contentLength(byte[] bytes, int size) throws FramingException {
        int value = -1;
        int line = 0;
        while (line < size) {
            int end = line;
            while (end < size && bytes[end] != '\n') {
                end++;
            }
            int first = line;
            while (first < end && isBlank(bytes[first])) {
                first++;
            }
            // Only a line that begins as Content-Length or l does is looked at further.
            int colon = first < end && ((bytes[first] | 0x20) == 'c' || (bytes[first] | 0x20) == 'l') ? first : end;
            while (colon < end && bytes[colon] != ':') {
                colon++;
            }
            if (colon < end && isContentLength(bytes, first, colon)) {
                String text = new String(bytes, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).strip();
                try {
                    int parsed = Integer.parseInt(text);
                    if (parsed < 0 || value >= 0 && value != parsed) {
                        throw new NumberFormatException();
                    }
                    value = parsed;
                } catch (NumberFormatException e) {
                    throw new FramingException(400, "Content-Length '" + text + "' is not a single length");
                }
            }
            line = end + 1;
        }
        return Math.max(value, 0);
    }

    /**
     * Whether the header name in {@code bytes[from, to)}, which begins at {@code from} and may have
     * blanks after it, is Content-Length or l.
     */
    private static boolean isContentLength(byte[] bytes, int from, int to) {
        while (to > from && isBlank(bytes[to - 1])) {
            to--;
        }
        int length = to - from;
        if (length == 1) {
            return (bytes[from] | 0x20) == 'l';
        }
        if (length != CONTENT_LENGTH.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[from + i];
            if ((b >= 'A' && b <= 'Z' ? b | 0x20 : b) != CONTENT_LENGTH[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
