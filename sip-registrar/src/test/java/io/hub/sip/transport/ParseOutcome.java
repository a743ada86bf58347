package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link MessageParser} made of one message: its encoding, size and body, or its refusal,
 * and the header errors it reported. Two outcomes are equal on all of these; the messages
 * themselves are compared field by field in {@link #assertSame}.
 */
record ParseOutcome(SIPMessage message, String encoded, int size, byte[] body, String refusal, List<String> errors) {

    /** Runs {@code parser} on {@code bytes}, whatever it throws. */
    static ParseOutcome of(MessageParser parser, byte[] bytes) {
        List<String> errors = new ArrayList<>();
        try {
            SIPMessage parsed = parser.parse(bytes, (exception, failed, headerClass, header, text) -> errors.add(
                    (headerClass == null ? "none" : headerClass.getName()) + " " + header + " "
                            + withoutIdentities(exception.getMessage())));
            if (parsed == null) {
                return new ParseOutcome(null, null, 0, null, null, errors);
            }
            return new ParseOutcome(parsed, parsed.encode(), parsed.getSize(), parsed.getRawContent(), null, errors);
        } catch (ParseException | RuntimeException e) {
            return new ParseOutcome(null, null, 0, null, e.getClass().getName() + " "
                    + withoutIdentities(e.getMessage()), errors);
        }
    }

    /** {@code actual} is what JAIN-SIP's own parser makes of {@code bytes}. */
    static void assertSameAsJainSip(MessageParser actual, byte[] bytes, String what) {
        assertSame(of(MessageParser.JAIN_SIP, bytes), of(actual, bytes), what);
    }

    static void assertSame(ParseOutcome expected, ParseOutcome actual, String what) {
        assertEquals(expected, actual, what);
        if (hasFirstLine(expected.message())) {
            assertEquals(expected.message(), actual.message(), what + ": the messages are equal field by field");
        }
    }

    /** JAIN-SIP's equality fails on a message whose first line did not parse. */
    private static boolean hasFirstLine(SIPMessage message) {
        return message instanceof SIPRequest request ? request.getRequestLine() != null
                : message instanceof SIPResponse response && response.getStatusLine() != null;
    }

    /** JAIN-SIP's messages name some arrays by identity ({@code [C@1b6d3586}), different each run. */
    private static String withoutIdentities(String message) {
        return message == null ? null : message.replaceAll("\\[C@\\p{XDigit}+", "[C@");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParseOutcome o && Objects.equals(encoded, o.encoded) && size == o.size
                && Arrays.equals(body, o.body) && Objects.equals(refusal, o.refusal) && errors.equals(o.errors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(encoded, size, refusal, errors);
    }
}
