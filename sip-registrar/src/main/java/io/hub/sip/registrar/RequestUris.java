package io.hub.sip.registrar;

import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import javax.sip.address.URI;

/** Whether a URI written in a header parameter names a request's Request-URI. */
final class RequestUris {

    private RequestUris() {
    }

    /**
     * True when {@code written} is the same URI as {@code requestUri} by RFC 3261 §19.1.4 (case of
     * scheme and host, parameter order and escapes do not matter); false when it differs or does not
     * parse.
     */
    static boolean same(String written, URI requestUri) {
        if (written == null || requestUri == null) {
            return false;
        }
        try {
            return new StringMsgParser().parseUrl(written).equals(requestUri);
        } catch (ParseException e) {
            return false;
        }
    }
}
