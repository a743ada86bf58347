package io.hub.sip;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * A check on requests the hub writes as text before they leave: a value taken from one phone's
 * message that would break the framing is caught here and never reaches another phone.
 */
public final class SipText {

    private SipText() {
    }

    /** @throws IllegalArgumentException when {@code request} does not parse as a SIP request */
    public static void requireRequest(String request) {
        try {
            if (!(new StringMsgParser().parseSIPMessage(request.getBytes(StandardCharsets.UTF_8), true, false, null)
                    instanceof SIPRequest)) {
                throw new IllegalArgumentException("built a request that does not parse as one");
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("built a request that does not parse: " + e.getMessage(), e);
        }
    }
}
