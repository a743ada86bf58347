package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrictSyntaxTest {

    private static final String GOOD = "REGISTER sip:hub.example SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1\r\n"
            + "From: \"Desk 1001\" <sip:1001@hub.example>;tag=a1\r\n"
            + "To: Desk <sip:1001@hub.example>\r\n"
            + "Call-ID: c1\r\n"
            + "CSeq: 7 REGISTER\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    void aWellFormedRequestOrResponsePasses() {
        assertEquals(Optional.empty(), check(GOOD));
        assertEquals(Optional.empty(), check(GOOD.replace("CSeq: 7 REGISTER", "cseq:\t7 \t REGISTER  ")));
        assertEquals(Optional.empty(), check(GOOD.replace("From: \"Desk 1001\" <", "f: <")));
        assertEquals(Optional.empty(), check("SIP/2.0 200 OK\r\nCSeq: 7 INVITE\r\n\r\n"));
    }

    @Test
    void aCSeqThatIsNotANumberAndTheRequestsMethodIsRefused() {
        for (String cseq : new String[] {"CSeq: 7 INVITE", "CSeq: 7 REGISTER extra", "CSeq: REGISTER", "CSeq: 7",
                "CSeq:", "CSeq: 7 register"}) {
            assertViolation(400, "CSeq method does not match the request line", GOOD.replace("CSeq: 7 REGISTER", cseq));
        }
    }

    @Test
    void aBrokenNameAddrInFromOrToIsRefusedAndNamed() {
        assertViolation(400, "an unclosed < in From", GOOD.replace("<sip:1001@hub.example>;tag=a1", "<sip:1001@hub.example;tag=a1"));
        assertViolation(400, "spaces within the addr-spec in To", GOOD.replace("To: Desk <sip:1001@hub.example>",
                "To: Desk <sip:1001 @hub.example>"));
        assertViolation(400, "a display name that is neither tokens nor a quoted string in t", GOOD.replace(
                "To: Desk <", "t: Desk; <"));
        assertViolation(400, "an unclosed < in FROM", GOOD.replace("From: \"Desk 1001\" <sip:1001@hub.example>",
                "FROM \t: <sip:1001@hub.example"));
        assertViolation(400, "CSeq method does not match the request line", GOOD.replace("CSeq: 7 REGISTER",
                "cseq : 7 INVITE"));
        assertEquals(Optional.empty(), check(GOOD.replace("To: Desk <", "Tox: Desk; <")),
                "a header that only begins like one checked is not checked");
    }

    @Test
    void headersAfterTheBlankLineAreTheBodyAndNotChecked() {
        assertEquals(Optional.empty(), check(GOOD + "CSeq: 1 INVITE\r\nTo: <unclosed\r\n"));
    }

    @Test
    void aBadStartLineOrAnotherVersionIsRefused() {
        assertViolation(400, "malformed request line", GOOD.replace("REGISTER sip:hub.example SIP/2.0",
                "REGISTER  sip:hub.example SIP/2.0"));
        assertViolation(505, "version SIP/3.0 is not supported", GOOD.replace(" SIP/2.0\r\nVia", " SIP/3.0\r\nVia"));
        assertViolation(400, "malformed status line", "SIP/2.0 99 Odd\r\n\r\n");
        assertViolation(400, "malformed request line", "no line end at all");
    }

    private static void assertViolation(int status, String reason, String message) {
        Optional<StrictSyntax.Violation> violation = check(message);
        assertTrue(violation.isPresent(), message);
        assertEquals(new StrictSyntax.Violation(status, reason), violation.get());
    }

    private static Optional<StrictSyntax.Violation> check(String message) {
        return StrictSyntax.check(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}
