package io.hub.sip.call;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.sip.transport.Flow;
import java.text.ParseException;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContentTypeHeader;

/** Responses the hub sends to a phone's request, built from the request itself. */
final class Answers {

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
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
                header(response, Requests.contact(flow));
            }
            for (String header : headers) {
                header(response, header);
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

    /** 503 with Retry-After, for a relay or hub that is out of room. */
    static String busy(SIPRequest request, int seconds) {
        SIPResponse response = request.createResponse(503, "Service Unavailable");
        try {
            if (response.getTo().getTag() == null) {
                response.getTo().setTag(Dialog.newTag());
            }
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        RetryAfter retryAfter = new RetryAfter();
        try {
            retryAfter.setRetryAfter(seconds);
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        response.setHeader(retryAfter);
        return response.encode();
    }

    /** A Warning header (RFC 3261 §20.43, code 399: miscellaneous) carrying the reason in words. */
    static String warning(Flow flow, String text) {
        return "Warning: 399 " + flow.local().getAddress().getHostAddress().replaceFirst("^(.*:.*)$", "[$1]") + " \""
                + text.replace('"', '\'').replace('\\', '/').replaceAll("[\\r\\n]", " ") + "\"";
    }

    private static boolean isDialogForming(SIPRequest request) {
        return request.getMethod().equals("INVITE") || request.getMethod().equals("UPDATE");
    }

    private static void header(SIPResponse response, String line) throws ParseException {
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        // JAIN-SIP keeps list headers such as Allow one value per header object.
        for (String one : name.equalsIgnoreCase("Allow") ? value.split(",\\s*") : new String[] {value}) {
            response.addHeader(HEADERS.createHeader(name, one));
        }
    }
}
