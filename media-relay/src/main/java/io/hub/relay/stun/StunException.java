package io.hub.relay.stun;

/** A datagram that is not a well-formed STUN message (RFC 5389 §6, §15); the message says what is wrong. */
public final class StunException extends Exception {

    public StunException(String message) {
        super(message);
    }
}
