package io.hub.dhcp.probe;

import io.hub.dhcp.DhcpCheckException;

/**
 * The probe cannot run as asked: no such interface, not root, the DHCP client port taken, nothing
 * to send on. The message is one line saying what to change.
 */
public final class ProbeException extends DhcpCheckException {

    public ProbeException(String message) {
        super(message);
    }
}
