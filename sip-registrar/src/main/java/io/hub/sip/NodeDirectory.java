package io.hub.sip;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where another node of the cluster takes SIP-TLS from its peers, as its heartbeat row says; hub-app
 * answers it from the node table, which SIP does not own.
 */
public interface NodeDirectory {

    /** The SIP-TLS address of {@code node} while it is up; empty when it is gone or never said. */
    Optional<InetSocketAddress> sipAddress(String node);
}
