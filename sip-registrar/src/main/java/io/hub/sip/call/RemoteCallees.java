package io.hub.sip.call;

import io.hub.sip.transport.Flow;
import java.util.List;

/**
 * The callee's phones whose flows other nodes of the cluster hold, each reached down a link to that
 * node with a Route naming the phone's flow there. A hub alone has none.
 */
public interface RemoteCallees {

    /**
     * One phone of the callee on another node.
     *
     * @param contactUri the contact the phone registered (the INVITE's request URI)
     * @param link the flow to the node holding the phone's flow
     * @param route the Route header line that names the phone's flow on that node
     */
    record Reach(String contactUri, Flow link, String route) {
    }

    /** The phones of {@code aor} on other nodes that can be reached now; empty when none. */
    List<Reach> reach(String aor);
}
