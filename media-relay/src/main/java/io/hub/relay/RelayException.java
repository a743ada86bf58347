package io.hub.relay;

/** The relay could not set up media for a call. */
public class RelayException extends Exception {

    public RelayException(String message) {
        super(message);
    }

    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
