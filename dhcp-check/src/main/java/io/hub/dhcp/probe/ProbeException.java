package io.hub.dhcp.probe;

/**
 * The probe cannot run as asked: no such interface, not root, the DHCP client port taken, nothing
 * to send on. The message is one line saying what to change.
 */
public final class ProbeException extends RuntimeException {

    public ProbeException(String message) {
        super(message);
    }
}
