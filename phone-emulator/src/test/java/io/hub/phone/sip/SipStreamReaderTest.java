package io.hub.phone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SipStreamReaderTest {

    private final List<String> seen = new ArrayList<>();
    private final SipStreamReader reader = new SipStreamReader();
    private final SipStreamReader.Sink sink = new SipStreamReader.Sink() {
        @Override
        public void message(SipMessage message) {
            seen.add(message.startLine() + " body=" + message.bodyText());
        }

        @Override
        public void pong() {
            seen.add("pong");
        }

        @Override
        public void ping() {
            seen.add("ping");
        }
    };

    private void feed(String text) {
        reader.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), sink);
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void messagesSplitAnywhereComeOutWholeWithTheirBodies() {
        String message = "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 1.2.3.4:5;branch=z9hG4bKa\r\nCSeq: 1 INVITE\r\n"
                + "l: 4\r\n\r\nv=0\n";
        for (int i = 0; i < message.length(); i++) {
            feed(message.substring(i, i + 1));
        }
        assertEquals(List.of("SIP/2.0 200 OK body=v=0\n"), seen);
    }

    @Test
    void theBodyLengthIsFoundInAnyCaseAndWithSpaceBeforeTheColon() {
        feed("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nCONTENT-LENGTH \t: 2\r\n\r\nab");
        feed("OPTIONS sip:a SIP/2.0\r\nSubject: l: 9\r\n L: 7\r\nL : 3\r\n\r\nxyz");
        assertEquals(List.of("SIP/2.0 200 OK body=ab", "OPTIONS sip:a SIP/2.0 body=xyz"), seen);
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> new SipStreamReader().feed(ascii("SIP/2.0 200 OK\r\nl: two\r\n\r\n"), sink));
        assertEquals("bad Content-Length: two", notANumber.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new SipStreamReader().feed(ascii("SIP/2.0 200 OK\r\nContent-Length: -3\r\n\r\n"), sink));
        assertEquals("bad Content-Length: -3", negative.getMessage());
    }

    @Test
    void aLoneCrlfIsAPongAndADoubleOneAPing() {
        feed("\r\n");
        feed("\r\n\r\nOPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n\r\n");
        assertEquals(List.of("pong", "ping", "OPTIONS sip:a SIP/2.0 body=", "pong"), seen);
    }

    @Test
    void aMessageWithoutContentLengthOrNotSipIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> feed("SIP/2.0 200 OK\r\nCSeq: 1 X\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> new SipStreamReader().feed(
                ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), sink));
        assertThrows(IllegalArgumentException.class, () -> new SipStreamReader().feed(
                ascii("SIP/2.0 200 OK\r\nContent-Length: 999999\r\n\r\n"), sink));
    }

    @Test
    void headersAreReadByFullOrCompactNameAndParametersOutsideTheBrackets() {
        SipMessage message = SipMessage.parse(("SIP/2.0 401 Unauthorized\r\nv: SIP/2.0/TLS a;branch=z9hG4bKx\r\n"
                + "t: <sip:1001@hub;tag=inside>;tag=abc\r\ni: call-1\r\nCSeq: 7 REGISTER\r\n"
                + "WWW-Authenticate: Digest realm=\"a\"\r\nWWW-Authenticate: Digest realm=\"b\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertEquals("z9hG4bKx", message.branch());
        assertEquals("abc", SipMessage.parameter(message.header("To").orElseThrow(), "tag"));
        assertEquals("sip:1001@hub;tag=inside", SipMessage.uri(message.header("To").orElseThrow()));
        assertEquals(7, message.cseq());
        assertEquals("REGISTER", message.method());
        assertEquals(2, message.headers("www-authenticate").size());
        assertEquals(401, message.status());
    }
}
