package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registrar's answers as a phone's stack reads them back: RFC 3261 §8.2.6's copied headers. */
class RegisterAnswerTest {

    private static final String REGISTER = "REGISTER sip:hub.test SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 10.0.0.7:5061;branch=z9hG4bK-1;rport=40123;received=192.0.2.7\r\n"
            + "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK-0\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: \"Desk 1001\" <sip:1001@hub.test>;tag=from-1\r\n"
            + "To: <sip:1001@hub.test>\r\n"
            + "Call-ID: reg-1@10.0.0.7\r\n"
            + "CSeq: 7 REGISTER\r\n"
            + "Timestamp: 54.2\r\n"
            + "Contact: <sip:1001@10.0.0.7:5061;transport=tls>\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    void aTwoHundredCopiesTheRequestsHeadersAndTagsTheTo() throws ParseException {
        SIPRequest request = parse(REGISTER, SIPRequest.class);

        SIPResponse ok = parse(new RegisterAnswer(request, 200, "OK")
                .header("Contact", "<sip:1001@10.0.0.7:5061;transport=tls>;expires=600")
                .header("Date", "Sun, 6 Dec 2026 06:00:00 GMT").text(), SIPResponse.class);

        assertEquals(200, ok.getStatusCode());
        assertEquals("OK", ok.getReasonPhrase());
        assertEquals(List.of("z9hG4bK-1", "z9hG4bK-0"), branches(ok), "every Via, in order");
        assertEquals("192.0.2.7", ((Via) ok.getViaHeaders().getFirst()).getReceived());
        assertEquals("from-1", ok.getFrom().getTag());
        assertEquals("Desk 1001", ok.getFrom().getAddress().getDisplayName());
        assertEquals("sip:1001@hub.test", ok.getTo().getAddress().getURI().toString());
        assertNotNull(ok.getTo().getTag(), "a To tag of the hub's");
        assertEquals("reg-1@10.0.0.7", ok.getCallId().getCallId());
        assertEquals(7, ok.getCSeq().getSeqNumber());
        assertEquals("REGISTER", ok.getCSeq().getMethod());
        assertNotNull(ok.getHeader("Timestamp"), "RFC 3261 §8.2.6.1: a Timestamp is echoed");
        assertEquals(600, ((gov.nist.javax.sip.header.Contact) ok.getContactHeaders().getFirst()).getExpires());
        assertEquals(0, ok.getContentLength().getContentLength());
    }

    @Test
    void eachAnswerHasATagOfItsOwnAndATagTheRequestHadIsKept() throws ParseException {
        SIPRequest request = parse(REGISTER, SIPRequest.class);
        String first = parse(new RegisterAnswer(request, 401, "Unauthorized").text(), SIPResponse.class).getTo()
                .getTag();
        String second = parse(new RegisterAnswer(request, 401, "Unauthorized").text(), SIPResponse.class).getTo()
                .getTag();
        assertNotEquals(first, second);
        assertEquals(16, first.length());

        SIPRequest tagged = parse(REGISTER.replace("To: <sip:1001@hub.test>", "To: <sip:1001@hub.test>;tag=had-1")
                .replace("Timestamp: 54.2\r\n", ""), SIPRequest.class);
        SIPResponse answer = parse(new RegisterAnswer(tagged, 401, "Unauthorized")
                .header("WWW-Authenticate", "Digest realm=\"hub.test\", nonce=\"n\", qop=\"auth\"").text(),
                SIPResponse.class);
        assertEquals("had-1", answer.getTo().getTag());
        assertNull(answer.getHeader("Timestamp"));
        assertNotNull(answer.getHeader("WWW-Authenticate"));
    }

    @Test
    void aLineBreakInAValueIsRefusedRatherThanSent() throws ParseException {
        RegisterAnswer answer = new RegisterAnswer(parse(REGISTER, SIPRequest.class), 200, "OK");
        assertThrows(IllegalArgumentException.class,
                () -> answer.header("Contact", "<sip:a@b>\r\nVia: SIP/2.0/TLS evil"));
        assertThrows(IllegalArgumentException.class, () -> answer.header("Contact", "<sip:a@b>\nX: y"));
        assertTrue(answer.text().endsWith("Content-Length: 0\r\n\r\n"));
    }

    private static List<String> branches(SIPResponse response) {
        List<String> branches = new ArrayList<>();
        for (Iterator<?> i = response.getViaHeaders().listIterator(); i.hasNext(); ) {
            branches.add(((Via) i.next()).getBranch());
        }
        return branches;
    }

    private static <T> T parse(String text, Class<T> type) throws ParseException {
        return type.cast(new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false,
                null));
    }
}
