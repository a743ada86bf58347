package io.hub.sip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Cuts a SIP stream (TLS or TCP) into messages and RFC 5626 keepalives, before any parser sees
 * it: a double CRLF outside a message is a ping, a single CRLF a pong (ignored); a message is its
 * header block up to the empty line, then exactly Content-Length bytes of body. Sizes are bounded,
 * so a peer that never ends its headers costs at most {@link #MAX_HEADER_BYTES}.
 *
 * <p>Reads block; a ping split across reads is recognised all the same.
 */
final class SipFraming {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** What came next on the stream. */
    sealed interface Unit permits Ping, Message, End {
    }

    record Ping() implements Unit {
    }

    record Message(byte[] bytes) implements Unit {
    }

    record End() implements Unit {
    }

    /** The stream broke the framing rules; the connection cannot be trusted to resynchronise. */
    static final class FramingException extends IOException {
        final int status;

        FramingException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final InputStream in;

    SipFraming(InputStream in) {
        this.in = in;
    }

    Unit next() throws IOException {
        int first = read();
        while (true) {
            if (first < 0) {
                return new End();
            }
            if (first != '\r' && first != '\n') {
                break;
            }
            // Keepalive: CRLF CRLF is a ping, a lone CRLF a pong (RFC 5626 §4.4.1).
            if (first == '\r' && read() != '\n') {
                throw new FramingException(400, "a CR outside a message is not followed by LF");
            }
            int next = read();
            if (next == '\r') {
                if (read() != '\n') {
                    throw new FramingException(400, "a CR outside a message is not followed by LF");
                }
                return new Ping();
            }
            first = next;
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream(1024);
        message.write(first);
        int matched = 0;
        int previous = first;
        while (matched < 4) {
            int b = read();
            if (b < 0) {
                throw new FramingException(400, "the stream ended inside a header block");
            }
            message.write(b);
            if (message.size() > MAX_HEADER_BYTES) {
                throw new FramingException(513, "the header block is larger than " + MAX_HEADER_BYTES + " bytes");
            }
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
        int length = contentLength(message.toString(StandardCharsets.ISO_8859_1));
        if (length > MAX_BODY_BYTES) {
            throw new FramingException(513, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new FramingException(400, "the stream ended inside a body of " + length + " bytes");
        }
        message.write(body);
        return new Message(message.toByteArray());
    }

    private int read() throws IOException {
        return in.read();
    }

    /** Content-Length (or its compact form l); 0 when absent. */
    static int contentLength(String headers) throws FramingException {
        int value = -1;
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || name.equals("l")) {
                String text = line.substring(colon + 1).strip();
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
        }
        return Math.max(value, 0);
    }
}
