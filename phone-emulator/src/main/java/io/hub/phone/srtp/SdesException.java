package io.hub.phone.srtp;

/** An {@code a=crypto} line or its key that this phone cannot use; the message says what is wrong. */
public final class SdesException extends Exception {

    public SdesException(String message) {
        super(message);
    }
}
