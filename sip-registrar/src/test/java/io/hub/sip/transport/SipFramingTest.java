package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing of a SIP stream fed in the pieces a network delivers, down to one byte at a time. */
class SipFramingTest {

    private static final String REGISTER = "REGISTER sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\n"
            + "Content-Length: 5\r\n\r\nhello";

    private final SipFraming framing = new SipFraming();
    private final List<String> units = new ArrayList<>();

    private void feed(String text) throws SipFraming.FramingException {
        framing.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), 7, unit -> units.add(
                unit instanceof SipFraming.Message message
                        ? new String(message.bytes(), StandardCharsets.ISO_8859_1) : "PING"));
    }

    private void feedBytewise(String text) throws SipFraming.FramingException {
        for (char c : text.toCharArray()) {
            feed(String.valueOf(c));
        }
    }

    @Test
    void aPingSplitAcrossReadsIsStillAPing() throws Exception {
        feedBytewise("\r\n\r\n");

        assertEquals(List.of("PING"), units);
    }

    @Test
    void aLonePongIsIgnoredAndTheMessageAfterItKept() throws Exception {
        feed("\r\n" + REGISTER + "\r\n\r\n");

        assertEquals(List.of(REGISTER, "PING"), units);
    }

    @Test
    void aMessageFedByteByByteIsWholeWithItsBody() throws Exception {
        feedBytewise(REGISTER);

        assertEquals(List.of(REGISTER), units);
        assertEquals(-1, framing.messageStartedAt(), "nothing is held between messages");
    }

    @Test
    void twoMessagesInOneReadAreTwo() throws Exception {
        feed(REGISTER + REGISTER.replace("z9hG4bK1", "z9hG4bK2"));

        assertEquals(2, units.size());
        assertTrue(units.get(1).contains("z9hG4bK2"));
    }

    @Test
    void aMessageInProgressKnowsWhenItBegan() throws Exception {
        feed("REGISTER sip:hub.test SIP/2.0\r\n");

        assertEquals(7, framing.messageStartedAt());
        assertEquals(List.of(), units);
    }

    @Test
    void bareLineFeedsEndTheHeadersToo() throws Exception {
        feed("OPTIONS sip:hub.test SIP/2.0\nContent-Length: 0\n\n");

        assertEquals(1, units.size());
    }

    @Test
    void headersLongerThanTheLimitAre513() {
        var e = assertThrows(SipFraming.FramingException.class,
                () -> feed("REGISTER sip:hub.test SIP/2.0\r\nX: " + "x".repeat(SipFraming.MAX_HEADER_BYTES)));

        assertEquals(513, e.status);
    }

    @Test
    void aHeaderBlockOfExactlyTheLimitIsWholeAndOneByteMoreIs513() throws Exception {
        String start = "OPTIONS sip:hub.test SIP/2.0\r\nX: ";
        String atLimit = start + "x".repeat(SipFraming.MAX_HEADER_BYTES - start.length() - 4) + "\r\n\r\n";
        feed(atLimit + REGISTER);

        assertEquals(List.of(atLimit, REGISTER), units, "the block at the limit, then the next message on its own");
        var e = assertThrows(SipFraming.FramingException.class, () -> feed(atLimit.replace("X: ", "X: y")));
        assertEquals(513, e.status);
    }

    @Test
    void aBodyLongerThanTheLimitIs513BeforeItIsRead() {
        var e = assertThrows(SipFraming.FramingException.class, () -> feed(
                "MESSAGE sip:hub.test SIP/2.0\r\nContent-Length: " + (SipFraming.MAX_BODY_BYTES + 1) + "\r\n\r\n"));

        assertEquals(513, e.status);
    }

    @Test
    void twoDifferentContentLengthsAre400() {
        var e = assertThrows(SipFraming.FramingException.class, () -> feed(
                "MESSAGE sip:hub.test SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n"));

        assertEquals(400, e.status);
    }

    @Test
    void aCarriageReturnWithoutLineFeedBetweenMessagesIs400() {
        var e = assertThrows(SipFraming.FramingException.class, () -> feedBytewise("\r\n\rX"));

        assertEquals(400, e.status);
    }

    @Test
    void theLengthIsFoundInAnyCaseItsCompactFormAndWithBlanksAroundTheName() throws Exception {
        feed("MESSAGE sip:a SIP/2.0\r\nCONTENT-LENGTH: 2\r\n\r\nab");
        feed("MESSAGE sip:b SIP/2.0\r\nL:3\r\n\r\nabc");
        feed("MESSAGE sip:c SIP/2.0\r\ncontent-length \t:  4 \r\n\r\nabcd");

        assertEquals(List.of("MESSAGE sip:a SIP/2.0\r\nCONTENT-LENGTH: 2\r\n\r\nab",
                "MESSAGE sip:b SIP/2.0\r\nL:3\r\n\r\nabc",
                "MESSAGE sip:c SIP/2.0\r\ncontent-length \t:  4 \r\n\r\nabcd"), units);
    }

    @Test
    void otherHeadersNamedAlikeAreNotTheLength() throws Exception {
        feed("MESSAGE sip:a SIP/2.0\r\nX-Content-Length: 9\r\nContent-Lengths: 9\r\nLl: 9\r\n"
                + "Subject: Content-Length: 9\r\n\r\n");

        assertEquals(1, units.size(), "no length: the message ends with its headers");
    }

    @Test
    void aLengthThatIsNotANumberIs400WithTheValue() {
        var e = assertThrows(SipFraming.FramingException.class, () -> feed(
                "MESSAGE sip:hub.test SIP/2.0\r\nContent-Length: 1x\r\n\r\n"));

        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("'1x'"), e.getMessage());
    }

    @Test
    void aNegativeLengthIs400() {
        var e = assertThrows(SipFraming.FramingException.class, () -> feed(
                "MESSAGE sip:hub.test SIP/2.0\r\nl: -1\r\n\r\n"));

        assertEquals(400, e.status);
    }
}
