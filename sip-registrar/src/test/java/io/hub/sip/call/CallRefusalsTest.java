package io.hub.sip.call;

import static io.hub.sip.SipReplies.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each call refusal becomes one answer, with its status, phrase, Warning and the headers it needs. */
class CallRefusalsTest {

    private static final String INVITE = "INVITE sip:2002@hub.test SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKrefused\r\n"
            + "From: <sip:2001@hub.test>;tag=caller\r\nTo: <sip:2002@hub.test>\r\n"
            + "Call-ID: refused-call\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    @Test
    void everyRefusalAnswersItsStatusAndPhraseWithTheHubsWarningAndATag() throws Exception {
        Set<String> codes = new HashSet<>();
        for (CallRefusal cause : CallRefusal.values()) {
            // The detail of an unsupported extension is its option tags, which the Unsupported header carries too.
            boolean tags = cause == CallRefusal.UNSUPPORTED_EXTENSION;
            SIPResponse answer = answer(cause, tags ? "100rel" : "why \"quoted\"\r\nand broken");

            assertEquals(cause.status(), answer.getStatusCode(), cause.name());
            assertEquals(cause.reasonPhrase(), answer.getReasonPhrase(), cause.name());
            assertEquals(List.of("399 hub \"" + cause.code() + (tags ? ": 100rel" : ": why 'quoted'  and broken")
                    + "\""), values(answer, "Warning"),
                    "one Warning, quotes and line ends made harmless: " + cause.name());
            assertNotNull(answer.getTo().getTag(), "a refusal carries the hub's To tag: " + cause.name());
            assertTrue(codes.add(cause.code()), "codes are distinct metric labels: " + cause.code());
            assertTrue(cause.code().matches("[a-z]+(-[a-z]+)*"), "a code is a plain label: " + cause.code());
        }
    }

    @Test
    void theStatusesThatNeedAHeaderGetIt() throws Exception {
        assertEquals("100rel", answer(CallRefusal.UNSUPPORTED_EXTENSION, "100rel").getHeader("Unsupported")
                .toString().replaceFirst("^Unsupported:\\s*", "").strip());
        for (CallRefusal busy : List.of(CallRefusal.TOO_MANY_CALLS, CallRefusal.RELAY_BUSY)) {
            assertEquals(503, busy.status());
            assertNotNull(answer(busy, "full").getHeader("Retry-After"), busy.name());
        }
        assertNotNull(answer(CallRefusal.CSEQ_OUT_OF_ORDER, "3 is not above 4").getHeader("Retry-After"));
        assertNotNull(answer(CallRefusal.NOT_IMPLEMENTED, "PRACK").getHeader("Allow"));
        assertNull(answer(CallRefusal.FROM_MISMATCH, "forged").getHeader("Retry-After"));
    }

    @Test
    void aRefusalWithoutDetailCarriesTheCodeAlone() throws Exception {
        assertEquals(List.of("399 hub \"loop\""), values(answer(CallRefusal.LOOP, null), "Warning"));
    }

    private static SIPResponse answer(CallRefusal cause, String detail) throws Exception {
        SIPRequest request = (SIPRequest) new StringMsgParser().parseSIPMessage(
                INVITE.getBytes(StandardCharsets.UTF_8), true, false, null);
        return (SIPResponse) new StringMsgParser().parseSIPMessage(
                CallRefusals.answer(cause, request, detail).getBytes(StandardCharsets.UTF_8), true, false, null);
    }
}
