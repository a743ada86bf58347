package io.hub.relay.srtp;

/** An SDES key the relay cannot use: an unknown suite, bad base64, a wrong length, or an MKI. */
public final class SdesKeyException extends Exception {

    public SdesKeyException(String message) {
        super(message);
    }
}
