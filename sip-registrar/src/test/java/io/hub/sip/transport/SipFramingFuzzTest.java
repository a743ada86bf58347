package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A SIP stream as a peer may send it, through what the hub does before a handler sees it: the
 * framing (whole or in pieces, which must cut the same units), the strict syntax check, JAIN-SIP's
 * parser as the dispatcher calls it, and the 400 the dispatcher sends back for a bad request.
 */
class SipFramingFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void aStreamIsCutTheSameInAnyPiecesAndEachMessageIsJudgedWithoutAnException(FuzzedDataProvider data) {
        int piece = data.consumeInt(1, 97);
        byte[] stream = data.consumeRemainingAsBytes();

        Outcome whole = frame(stream, stream.length == 0 ? 1 : stream.length);
        Outcome pieces = frame(stream, piece);

        assertEquals(whole.status, pieces.status, "a framing error does not depend on how the stream arrives");
        assertEquals(whole.units.size(), pieces.units.size());
        for (int i = 0; i < whole.units.size(); i++) {
            assertEquals(whole.units.get(i).getClass(), pieces.units.get(i).getClass());
            if (whole.units.get(i) instanceof SipFraming.Message message) {
                byte[] bytes = message.bytes();
                assertArrayEquals(bytes, ((SipFraming.Message) pieces.units.get(i)).bytes());
                assertTrue(bytes.length <= SipFraming.MAX_HEADER_BYTES + SipFraming.MAX_BODY_BYTES, "bounded");
                judge(bytes);
            }
        }
    }

    /** What the dispatcher does with one message, short of a handler and a socket. */
    private static void judge(byte[] bytes) {
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(bytes);
        violation.ifPresent(v -> assertTrue(v.status() == 400 || v.status() == 505, v.reason()));
        SIPMessage parsed;
        try {
            parsed = new StringMsgParser().parseSIPMessage(bytes, true, false, (e, m, c, h, t) -> { });
        } catch (Exception refused) {
            // The dispatcher turns any parser failure into an error string: a documented refusal.
            return;
        }
        if (parsed instanceof SIPRequest request && request.getTopmostVia() != null && request.getCSeq() != null
                && request.getCallId() != null && request.getFrom() != null && request.getTo() != null) {
            // The dispatcher answers such a request 400 (or 503, 505) outside any try.
            byte[] answer = request.createResponse(400, "Bad Request").encode().getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answer.length > 0);
        }
    }

    private record Outcome(List<SipFraming.Unit> units, int status) {
    }

    private static Outcome frame(byte[] stream, int piece) {
        SipFraming framing = new SipFraming();
        List<SipFraming.Unit> units = new ArrayList<>();
        try {
            for (int at = 0; at < stream.length; at += piece) {
                framing.feed(ByteBuffer.wrap(stream, at, Math.min(piece, stream.length - at)), 0, units::add);
            }
        } catch (SipFraming.FramingException e) {
            assertTrue(e.status >= 400 && e.status < 600, e.getMessage());
            return new Outcome(units, e.status);
        }
        return new Outcome(units, 0);
    }
}
