package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The remembering parser against JAIN-SIP's own, message by message: the same message (equal and
 * encoded alike), the same header errors, the same refusals, whether its lines are new or kept.
 */
class RememberingParserTest {

    private static final Path TORTURE = Path.of("src/test/resources/rfc4475").toAbsolutePath();

    /** For tests about what is kept, not about what is reported. */
    private static final ParseExceptionListener IGNORED = (exception, message, headerClass, header, text) -> { };

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RememberingParser parser = new RememberingParser(metrics);

    @Test
    void everyTortureMessageParsesAsJainSipParsesItWhenItsLinesAreNewAndWhenTheyAreKept() throws IOException {
        List<Path> messages;
        try (Stream<Path> files = Files.list(TORTURE)) {
            messages = files.filter(file -> file.toString().endsWith(".dat")).sorted().toList();
        }
        assertTrue(messages.size() > 40, "the RFC 4475 messages are there");
        for (int round = 0; round < 3; round++) {
            for (Path message : messages) {
                assertSameAsJainSip(Files.readAllBytes(message), message.getFileName() + ", round " + round);
            }
        }
        assertTrue(parser.keptLines() > 100, "lines were kept: " + parser.keptLines());
    }

    @Test
    void aPhonesRegistrationsParseAsJainSipParsesThem() {
        for (int cseq = 1; cseq <= 4; cseq++) {
            assertSameAsJainSip(register(cseq, cseq % 2 == 0), "REGISTER " + cseq);
        }
        assertSameAsJainSip(bytes("""
                INVITE sip:1002@hub.example SIP/2.0\r
                Via: SIP/2.0/TLS 127.0.0.1:40312;branch=z9hG4bK77aa;rport\r
                Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK12;received=10.0.0.9, SIP/2.0/TLS [::1]:5061;branch=z9hG4bK9\r
                f: "Desk 1001" <sip:1001@hub.example>;tag=8f3c\r
                t: <sip:1002@hub.example>\r
                i: c4a1@127.0.0.1\r
                CSeq: 1 INVITE\r
                m: <sip:1001@127.0.0.1:40312;transport=tls;ob>, <sips:1001@[::1]:5061>;q=0.5\r
                Route: <sip:hub.example;lr>\r
                Route: <sip:hub.example;lr>\r
                Max-Forwards: 70\r
                c: application/sdp\r
                l: 25\r
                \r
                v=0\r
                o=- 1 1 IN IP4 x\r
                """), "INVITE with a body");
        assertSameAsJainSip(bytes("""
                SIP/2.0 401 Unauthorized\r
                Via: SIP/2.0/TLS 127.0.0.1:40312;branch=z9hG4bK77aa;rport=40312;received=127.0.0.1\r
                From: <sip:1001@hub.example>;tag=8f3c\r
                To: <sip:1001@hub.example>;tag=99\r
                Call-ID: c4a1@127.0.0.1\r
                CSeq: 1 REGISTER\r
                WWW-Authenticate: Digest realm="hub.example", nonce="abc", algorithm=MD5, qop="auth"\r
                Content-Length: 0\r
                \r
                """), "a response");
    }

    @Test
    void badLinesAreReportedAsJainSipReportsThemWhetherOrNotTheirNeighboursAreKept() {
        byte[] bad = bytes("""
                REGISTER sip:hub.example SIP/2.0\r
                Via: SIP/2.0/TLS 127.0.0.1:40312;branch=z9hG4bK1\r
                From: <sip:1001@hub.example>;tag=1\r
                From: <sip:1009@hub.example>;tag=2\r
                To: <sip:1001@hub.example\r
                Call-ID: 1\r
                CSeq: 1 REGISTER\r
                Contact: <sip:1001@127.0.0.1:40312;transport=tls>;expires=ten\r
                Expires: soon\r
                Max-Forwards: 70\r
                Content-Length: 0\r
                \r
                """);
        for (int round = 0; round < 3; round++) {
            assertSameAsJainSip(bad, "bad lines, round " + round);
        }
        assertSameAsJainSip(bytes("NOT A REQUEST LINE\r\nCall-ID: 1\r\n\r\n"), "a bad request line");
        assertSameAsJainSip(bytes("\r\n\r\n"), "nothing but line ends");
        assertSameAsJainSip(bytes("OPTIONS sip:hub.example SIP/2.0\r\nCall-ID: 1\r\n  folded\r\n\r\n"), "a folded line");
    }

    @Test
    void whatAHandlerChangesInAMessageNeverReachesTheNextOne() throws ParseException {
        SIPRequest first = (SIPRequest) parser.parse(register(1, false), IGNORED);
        Contact contact = (Contact) first.getContactHeaders().getFirst();
        contact.setParameter("expires", "1");
        ((SipUri) first.getRequestURI()).setHost("elsewhere.example");
        first.getFrom().setTag("changed");

        SIPRequest second = (SIPRequest) parser.parse(register(1, false), IGNORED);

        ParseOutcome.assertSame(ParseOutcome.of(MessageParser.JAIN_SIP, register(1, false)),
                ParseOutcome.of((bytes, errors) -> second, null), "the second REGISTER");
        assertEquals("hub.example", ((SipUri) second.getRequestURI()).getHost());
    }

    @Test
    void linesThatChangeWithEveryRequestAreNotKept() throws ParseException {
        parser.parse(register(1, true), IGNORED);
        long kept = parser.keptLines();
        for (int cseq = 2; cseq < 50; cseq++) {
            parser.parse(register(cseq, true), IGNORED);
        }
        assertEquals(kept, parser.keptLines(), "the Via, CSeq and Authorization lines were not kept");
    }

    @Test
    void aFloodOfDistinctLinesIsBoundedByTheTextKeptAndCounted() throws ParseException {
        for (int i = 0; i < 20_000; i++) {
            parser.parse(bytes("OPTIONS sip:hub.example SIP/2.0\r\nCall-ID: " + i + "-" + "x".repeat(60)
                    + "\r\nUser-Agent: flood " + i + "\r\n\r\n"), IGNORED);
        }
        assertTrue(parser.keptWeight() <= RememberingParser.MAX_KEPT_CHARACTERS, parser.keptWeight() + " weighed");
        assertTrue(parser.keptLines() > 1_000 && parser.keptLines() < 40_000,
                parser.keptLines() + " lines kept of 40,001: some, not all");
        assertEquals(parser.keptLines(), metrics.get("hub.sip.parse.lines.kept").gauge().value(), 0.0);
    }

    @Test
    void aLineTooLongToKeepIsParsedEachTime() throws ParseException {
        String agent = "User-Agent: " + "a".repeat(RememberingParser.MAX_LINE);
        byte[] message = bytes("OPTIONS sip:hub.example SIP/2.0\r\n" + agent + "\r\n\r\n");
        parser.parse(message, IGNORED);
        long kept = parser.keptLines();
        assertSameAsJainSip(message, "a long line");
        assertEquals(kept, parser.keptLines());
        assertEquals(1, kept, "only the request line was kept");
    }

    private void assertSameAsJainSip(byte[] message, String what) {
        ParseOutcome.assertSameAsJainSip(parser, message, what);
    }

    private static byte[] register(int cseq, boolean answered) {
        return bytes("REGISTER sip:hub.example SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:40312;branch=z9hG4bK" + cseq + "e2c1f9;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1001@hub.example>;tag=8f3c2a1b\r\n"
                + "To: <sip:1001@hub.example>\r\n"
                + "Call-ID: 3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:1001@127.0.0.1:40312;transport=tls;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000"
                + "-8000-0004f2a1b2c3>\";reg-id=1;expires=3600\r\n"
                + "Expires: 3600\r\n"
                + "Supported: outbound, path\r\n"
                + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, REFER\r\n"
                + "User-Agent: HubPhone/1.0 (emulated)\r\n"
                + (answered ? "Authorization: Digest username=\"1001\", realm=\"hub.example\", nonce=\"a1b2c3"
                        + cseq + "\", uri=\"sip:hub.example\", response=\"0123456789abcdef0123456789abcdef\", "
                        + "algorithm=MD5, cnonce=\"5f3a" + cseq + "\", qop=auth, nc=0000000" + cseq + "\r\n" : "")
                + "Content-Length: 0\r\n\r\n");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBodyIsTheBodyJainSipReads() throws ParseException {
        byte[] message = bytes("MESSAGE sip:hub.example SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 5\r\n\r\nhello");
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(bytes("hello"), parser.parse(message, IGNORED).getRawContent());
        }
    }
}
