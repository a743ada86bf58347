package io.hub.sip.transport;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/**
 * Receives what arrives on flows; the transport knows nothing of what the messages mean.
 *
 * <p>Calls come on a worker thread, one at a time per flow and in the order the messages arrived;
 * calls for different flows run in parallel. A call may block briefly (a database write): it holds
 * up its own flow's later messages, never other flows, nor any flow's keepalive pongs.
 */
public interface SipHandler {

    /**
     * A well-formed request, its top Via already stamped with {@code received} and {@code rport}
     * (the flow's remote address); answers go down {@code flow}.
     */
    void request(SIPRequest request, Flow flow);

    /** A response to a request the hub sent down {@code flow}. */
    default void response(SIPResponse response, Flow flow) {
    }

    /**
     * The flow is gone: closed by the phone, broken, silent past its timeout, or refused. Comes after
     * every message the flow delivered, and before the hub's end of the socket closes.
     */
    default void flowClosed(Flow flow, String why) {
    }
}
