package io.hub.sip.refusal;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.sip.SipTags;
import java.text.ParseException;

/** The answer to a refused request, in the one form every refusal of the hub's takes. */
public final class RefusalAnswer {

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();

    private RefusalAnswer() {
    }

    /**
     * {@code cause}'s status and reason phrase, a To tag of the hub's where the request had none, the
     * {@code headers} the status needs, then {@code Warning: 399 hub "<code>"} or
     * {@code 399 hub "<code>: <detail>"}.
     *
     * @param detail the words after the code in the Warning, or null for the code alone
     * @param headers extra {@code Name: value} lines
     */
    public static SIPResponse to(SIPRequest request, SipRefusal cause, String detail, String... headers) {
        SIPResponse response = request.createResponse(cause.status(), cause.reasonPhrase());
        try {
            if (response.getTo().getTag() == null) {
                response.getTo().setTag(SipTags.newTag());
            }
            for (String header : headers) {
                header(response, header);
            }
            header(response, warning(cause.code(), detail));
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot build a " + cause.status() + " answer: " + e.getMessage(), e);
        }
        return response;
    }

    /**
     * A Warning header (RFC 3261 §20.43, code 399: miscellaneous) in the hub's one form:
     * {@code 399 hub "<code>"} or {@code 399 hub "<code>: <detail>"}.
     */
    public static String warning(String code, String detail) {
        String text = detail == null || detail.isBlank() ? code : code + ": " + detail;
        return "Warning: 399 hub \"" + text.replace('"', '\'').replace('\\', '/').replaceAll("[\\r\\n]", " ")
                + "\"";
    }

    /** Adds a {@code Name: value} line; JAIN-SIP keeps list headers such as Allow one value per header object. */
    public static void header(SIPResponse response, String line) throws ParseException {
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        for (String one : name.equalsIgnoreCase("Allow") ? value.split(",\\s*") : new String[] {value}) {
            response.addHeader(HEADERS.createHeader(name, one));
        }
    }
}
