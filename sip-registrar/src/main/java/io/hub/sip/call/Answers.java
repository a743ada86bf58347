package io.hub.sip.call;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.sip.refusal.RefusalAnswer;
import io.hub.sip.transport.Flow;
import java.text.ParseException;
import java.util.Set;
import javax.sip.header.ContentTypeHeader;

/** Responses the hub sends to a phone's request, built from the request itself. */
final class Answers {

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    /** Failures whose meaning needs headers the hub cannot pass on (a challenge, Allow, Min-SE …). */
    static final Set<Integer> NOT_RELAYABLE = Set.of(401, 405, 407, 420, 421, 422, 423, 494);
    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, REGISTER";

    private Answers() {
    }

    /**
     * @param toTag the hub's tag for the dialog, or null to leave To as the phone sent it
     * @param sdp a body of type application/sdp, or null
     * @param headers extra {@code Name: value} lines
     */
    static String answer(SIPRequest request, int status, String toTag, Flow flow, String sdp, String... headers) {
        SIPResponse response = request.createResponse(status, SIPResponse.getReasonPhrase(status));
        try {
            if (toTag != null && status > 100 && response.getTo().getTag() == null) {
                response.getTo().setTag(toTag);
            }
            if (status > 100 && status < 300 && flow != null && isDialogForming(request)) {
                RefusalAnswer.header(response, Requests.contact(flow));
            }
            for (String header : headers) {
                RefusalAnswer.header(response, header);
            }
            if (sdp != null) {
                ContentTypeHeader type = HEADERS.createContentTypeHeader("application", "sdp");
                response.setContent(sdp, type);
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot build a " + status + " answer: " + e.getMessage(), e);
        }
        return response.encode();
    }

    private static boolean isDialogForming(SIPRequest request) {
        return request.getMethod().equals("INVITE") || request.getMethod().equals("UPDATE");
    }
}
