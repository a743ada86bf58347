package io.hub.sip.transport;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/** Receives what arrives on flows; the transport knows nothing of what the messages mean. */
public interface SipHandler {

    /** A well-formed request; answers go down {@code flow}. Called on the flow's own thread. */
    void request(SIPRequest request, Flow flow);

    /** A response to a request the hub sent down {@code flow}. */
    default void response(SIPResponse response, Flow flow) {
    }

    /** The flow is gone: closed by the phone, broken, or silent past its timeout. */
    default void flowClosed(Flow flow, String why) {
    }
}
