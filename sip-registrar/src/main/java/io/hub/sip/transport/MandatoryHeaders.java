package io.hub.sip.transport;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.Optional;

/**
 * The headers every request must carry (RFC 3261 §8.1.1), checked once for every method before
 * any handler sees the request. Max-Forwards is mandatory there too, but phones in the field leave
 * it out on REGISTER, and a request the hub terminates needs no hop count, so it stays optional.
 */
final class MandatoryHeaders {

    private MandatoryHeaders() {
    }

    /** The first mandatory header {@code request} lacks, by the name the answer gives it; empty when complete. */
    static Optional<String> missing(SIPRequest request) {
        if (request.getTopmostVia() == null) {
            return Optional.of("Via");
        }
        if (request.getFrom() == null) {
            return Optional.of("From");
        }
        if (request.getTo() == null) {
            return Optional.of("To");
        }
        if (request.getCallId() == null) {
            return Optional.of("Call-ID");
        }
        if (request.getCSeq() == null) {
            return Optional.of("CSeq");
        }
        return Optional.empty();
    }
}
