package io.hub.sip.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;

/**
 * What the server transport writes on every request it receives (RFC 3261 §18.2.1, RFC 3581 §4):
 * {@code received} and {@code rport} on the top Via, the address and port the flow really comes
 * from. Every answer built from the request then names where the phone is, behind whatever NAT,
 * and no handler (registrar, calls) has to remember to do it.
 */
final class ReceivedStamp {

    private ReceivedStamp() {
    }

    static void stamp(SIPRequest request, Flow flow) {
        Via via = request.getTopmostVia();
        if (via == null) {
            return;
        }
        try {
            via.setReceived(flow.remote().getAddress().getHostAddress());
            via.setParameter("rport", Integer.toString(flow.remote().getPort()));
        } catch (ParseException e) {
            // The address came from the socket; it always parses.
            throw new IllegalStateException(e);
        }
    }
}
