package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** What the tests read from the hub's SIP answers: every value of a header, and the refusal a reply says. */
public final class SipReplies {

    private SipReplies() {
    }

    /** Every value of header {@code name}, in order; empty when the answer has none. */
    public static List<String> values(SIPResponse response, String name) {
        List<String> values = new ArrayList<>();
        for (Iterator<?> i = response.getHeaders(name); i != null && i.hasNext(); ) {
            values.add(((SIPHeader) i.next()).getHeaderValue());
        }
        return values;
    }

    /** The answer has {@code status} and exactly one Warning, the hub's 399 with {@code code}. */
    public static void assertRefused(int status, String code, SIPResponse response) {
        assertEquals(status, response.getStatusCode(), response.encode());
        assertEquals(List.of("399 hub \"" + code + "\""), values(response, "Warning"));
    }
}
