package io.hub.sip;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.sip.call.CallRouter;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.Registrar;
import io.hub.sip.transport.Flow;
import io.hub.sip.transport.SipHandler;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub does with each request that arrives on a flow: REGISTER goes to the registrar,
 * calls (INVITE and everything inside a call's dialogs) to the call router, OPTIONS is answered,
 * a stray ACK needs no answer, and the rest is not served (501).
 */
final class SipEdge implements SipHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SipEdge.class);
    static final String[] ALLOW = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO", "REGISTER"};

    private final Registrar registrar;
    private final LocationService location;
    private final PhoneRequests phoneRequests;
    private final CallRouter calls;
    private final HeaderFactoryImpl headers = new HeaderFactoryImpl();
    private volatile io.hub.sip.node.NodeRelay relay;

    SipEdge(Registrar registrar, LocationService location, PhoneRequests phoneRequests, CallRouter calls) {
        this.registrar = registrar;
        this.calls = calls;
        this.location = location;
        this.phoneRequests = phoneRequests;
    }

    /** From now on, node peers' calls to this node's phones are relayed by {@code relay}. */
    void relay(io.hub.sip.node.NodeRelay relay) {
        this.relay = relay;
    }

    @Override
    public void response(SIPResponse response, Flow flow) {
        try {
            io.hub.sip.node.NodeRelay nodes = relay;
            if (nodes != null && nodes.response(response, flow)) {
                return;
            }
            if (!phoneRequests.answer(response) && !calls.response(response, flow)) {
                LOG.debug("sip stray response {} from {}", response.getStatusCode(), flow);
            }
        } catch (RuntimeException e) {
            // A bug, not the phone's fault: the flow must go on being read.
            LOG.error("sip response {} from {} failed", response.getStatusCode(), flow, e);
        }
    }

    @Override
    public void request(SIPRequest request, Flow flow) {
        io.hub.sip.node.NodeRelay nodes = relay;
        if (nodes != null && nodes.request(request, flow)) {
            return;
        }
        if (flow.nodePeer() && request.getMethod().equals("REGISTER")) {
            // A link between nodes carries calls; phones register on their own flows.
            flow.send(request.createResponse(403, "Forbidden").encode());
            return;
        }
        if (!request.getMethod().equals("REGISTER") && calls.request(request, flow)) {
            return;
        }
        switch (request.getMethod()) {
            case "REGISTER" -> registrar.register(request, flow);
            case "ACK" -> {
                // ACKs to the hub's own non-2xx answers end their transaction; nothing to send.
            }
            case "OPTIONS" -> {
                SIPResponse ok = request.createResponse(200, "OK");
                allow(ok);
                header(ok, "Supported", "outbound");
                header(ok, "Supported", "path");
                header(ok, "Accept", "application/sdp");
                flow.send(ok.encode());
            }
            default -> {
                SIPResponse notYet = request.createResponse(501, "Not Implemented");
                allow(notYet);
                flow.send(notYet.encode());
                LOG.info("sip {} outside a call not served from {}", request.getMethod(), flow);
            }
        }
    }

    @Override
    public void flowClosed(Flow flow, String why) {
        LOG.debug("sip {} closed: {}", flow, io.hub.pki.log.LogText.of(why));
        location.flowClosed(flow);
        calls.flowClosed(flow);
        io.hub.sip.node.NodeRelay nodes = relay;
        if (nodes != null) {
            nodes.flowClosed(flow);
        }
    }

    /** One Allow header per method: JAIN-SIP takes Allow as a list header, one value each. */
    private void allow(SIPResponse response) {
        for (String method : ALLOW) {
            header(response, "Allow", method);
        }
    }

    private void header(SIPResponse response, String name, String value) {
        try {
            response.addHeader(headers.createHeader(name, value));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
