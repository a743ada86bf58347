package io.hub.relay.control;

/** Bytes that are not one well-formed bencoded value; the message says what and at which byte. */
public final class BencodeException extends Exception {

    public BencodeException(String message) {
        super(message);
    }
}
