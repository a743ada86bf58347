package io.hub.relay;

/** Every port of the relay range is taken: the SIP side answers 503 so the phone retries later. */
public final class PortsExhaustedException extends RelayException {

    public PortsExhaustedException(String message) {
        super(message);
    }
}
