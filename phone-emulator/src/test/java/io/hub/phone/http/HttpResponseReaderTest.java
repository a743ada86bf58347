package io.hub.phone.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    private static boolean feedByteByByte(HttpResponseReader reader, String text) {
        boolean done = false;
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            done = reader.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        return done;
    }

    @Test
    void aContentLengthBodyArrivingInPiecesIsKept() {
        HttpResponseReader reader = new HttpResponseReader(false, 1024);
        assertTrue(feedByteByByte(reader, "HTTP/1.1 403 Forbidden\r\nX-Hub-Reason: revoked\r\nContent-Length: 5\r\n"
                + "\r\nhello"));
        HttpAnswer answer = reader.answer();
        assertEquals(403, answer.status());
        assertEquals("revoked", answer.header("x-hub-reason").orElseThrow());
        assertEquals("hello", answer.text());
        assertTrue(reader.keepsConnection());
    }

    @Test
    void aChunkedBodyIsDigestedWithoutBeingKept() throws Exception {
        HttpResponseReader reader = new HttpResponseReader(false, 0);
        assertTrue(reader.feed(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1))));
        HttpAnswer answer = reader.answer();
        assertEquals(5, answer.length());
        assertEquals(0, answer.body().length);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("abcde".getBytes(StandardCharsets.US_ASCII))), answer.sha256());
    }

    @Test
    void noBodyAfter204AndHeadAndABodyUntilCloseEndsWithTheStream() {
        assertTrue(new HttpResponseReader(false, 10).feed(ByteBuffer.wrap("HTTP/1.1 204 No Content\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))));
        assertTrue(new HttpResponseReader(true, 10).feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))));
        HttpResponseReader untilClose = new HttpResponseReader(false, 10);
        assertFalse(untilClose.feed(ByteBuffer.wrap("HTTP/1.0 200 OK\r\n\r\nab".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(untilClose.endOfStream());
        assertFalse(untilClose.keepsConnection());
        assertEquals("ab", untilClose.answer().text());
        HttpResponseReader cut = new HttpResponseReader(false, 10);
        cut.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(cut.endOfStream(), "a body cut short is not an answer");
    }

    @Test
    void garbageOversizedBodiesAndHeadsAreRefused() {
        assertThrows(HttpFailure.class, () -> new HttpResponseReader(false, 10).feed(ByteBuffer.wrap(
                "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertThrows(HttpFailure.class, () -> new HttpResponseReader(false, 3).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd".getBytes(StandardCharsets.US_ASCII))));
        assertThrows(HttpFailure.class, () -> new HttpResponseReader(false, 3).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertThrows(HttpFailure.class, () -> new HttpResponseReader(false, 3).feed(ByteBuffer.wrap(
                ("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000)).getBytes(StandardCharsets.US_ASCII))));
        assertThrows(HttpFailure.class, () -> new HttpResponseReader(false, 3).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII))));
    }
}
