package io.hub.phone.sip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cuts a SIP stream into messages and RFC 5626 keepalives. Between messages, a lone CRLF is a pong
 * and a double CRLF is a ping. A message's body is framed by Content-Length, which a stream
 * transport requires.
 */
final class SipStreamReader {

    /** What the stream carried. */
    interface Sink {
        void message(SipMessage message);

        void pong();

        void ping();
    }

    static final int MAX_HEAD = 32 * 1024;
    static final int MAX_BODY = 64 * 1024;

    private byte[] buffer = new byte[0];
    private int length;

    /**
     * Takes the bytes of {@code data} and hands every complete message and keepalive to {@code sink}.
     *
     * @throws IllegalArgumentException when the stream is not SIP or breaks a size limit
     */
    void feed(ByteBuffer data, Sink sink) {
        append(data);
        int start = 0;
        while (start < length) {
            if (buffer[start] == '\r' || buffer[start] == '\n') {
                int crlfs = countCrlf(start);
                if (crlfs == 0) {
                    if (start + 1 >= length) {
                        break; // half a CRLF: wait for the rest
                    }
                    start++; // a stray CR or LF
                    continue;
                }
                if (crlfs >= 2) {
                    sink.ping();
                } else {
                    sink.pong();
                }
                start += crlfs * 2;
                continue;
            }
            int end = endOfHead(start);
            if (end < 0) {
                if (length - start > MAX_HEAD) {
                    throw new IllegalArgumentException("a SIP head is larger than " + MAX_HEAD + " bytes");
                }
                break;
            }
            byte[] head = Arrays.copyOfRange(buffer, start, end);
            int bodyLength = contentLength(new String(head, StandardCharsets.UTF_8));
            if (bodyLength > MAX_BODY) {
                throw new IllegalArgumentException("a SIP body of " + bodyLength + " bytes is over " + MAX_BODY);
            }
            if (end + bodyLength > length) {
                break;
            }
            sink.message(SipMessage.parse(head, Arrays.copyOfRange(buffer, end, end + bodyLength)));
            start = end + bodyLength;
        }
        System.arraycopy(buffer, start, buffer, 0, length - start);
        length -= start;
    }

    private void append(ByteBuffer data) {
        if (length + data.remaining() > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(length + data.remaining(), 2 * buffer.length));
        }
        int count = data.remaining();
        data.get(buffer, length, count);
        length += count;
    }

    private int countCrlf(int from) {
        int count = 0;
        for (int i = from; i + 1 < length && buffer[i] == '\r' && buffer[i + 1] == '\n'; i += 2) {
            count++;
        }
        return count;
    }

    /** The index just past the blank line ending the head at {@code from}, or -1 when not here yet. */
    private int endOfHead(int from) {
        for (int i = from; i + 3 < length; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:") || lower.startsWith("l:")) {
                try {
                    return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad Content-Length: " + line);
                }
            }
        }
        throw new IllegalArgumentException("a SIP message over TLS needs a Content-Length");
    }
}
