package io.hub.dhcp;

/**
 * The checker cannot do what it was asked: a configuration that cannot be read, or a probe that
 * cannot run. The message is one line naming the file (and line) or saying what to change.
 */
public class DhcpCheckException extends RuntimeException {

    public DhcpCheckException(String message) {
        super(message);
    }
}
