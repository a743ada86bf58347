package io.hub.phone.sip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
            int bodyLength = contentLength(start, end);
            if (bodyLength > MAX_BODY) {
                throw new IllegalArgumentException("a SIP body of " + bodyLength + " bytes is over " + MAX_BODY);
            }
            if (end + bodyLength > length) {
                break;
            }
            sink.message(SipMessage.parse(Arrays.copyOfRange(buffer, start, end),
                    Arrays.copyOfRange(buffer, end, end + bodyLength)));
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

    /**
     * The Content-Length (or compact {@code l}) of the head from {@code from} to {@code end}, read in
     * place: this runs for every message a phone receives, so it neither copies nor decodes the head.
     */
    private int contentLength(int from, int end) {
        for (int line = from; line < end; ) {
            int next = lineEnd(line, end);
            int colon = indexOf(':', line, next);
            if (colon > line) {
                int nameEnd = colon;
                while (nameEnd > line && (buffer[nameEnd - 1] == ' ' || buffer[nameEnd - 1] == '\t')) {
                    nameEnd--;
                }
                if (named(line, nameEnd, "content-length") || named(line, nameEnd, "l")) {
                    String value = new String(buffer, colon + 1, next - colon - 1, StandardCharsets.US_ASCII).strip();
                    int length;
                    try {
                        length = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        length = -1;
                    }
                    if (length < 0) {
                        throw new IllegalArgumentException("bad Content-Length: " + value);
                    }
                    return length;
                }
            }
            line = next + 2;
        }
        throw new IllegalArgumentException("a SIP message over TLS needs a Content-Length");
    }

    /** Where the line at {@code from} ends: the index of its CR LF, or {@code end}. */
    private int lineEnd(int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    private int indexOf(char wanted, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the bytes from {@code from} to {@code end} spell {@code lowerName}, in any case. */
    private boolean named(int from, int end, String lowerName) {
        if (end - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if (Character.toLowerCase((char) (buffer[from + i] & 0xff)) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
