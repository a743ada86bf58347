package io.hub.relay.dtls;

/** Why a DTLS datagram on a DTLS-SRTP leg was not taken into a handshake; one counter each. */
public enum DtlsDrop {
    /** On a leg without ICE, a ClientHello without a valid cookie: answered with a stateless HelloVerifyRequest, nothing kept. */
    COOKIE_EXCHANGE,
    /** From an address that has not passed an ICE check with the hub's ice-pwd. */
    NO_CONSENT,
    /** From another address than the one the leg's handshake runs with. */
    FOREIGN_SOURCE,
    /** The handshake's queue is full: the peer sends faster than a handshake reads. */
    QUEUE_FULL,
    /** A plaintext handshake fragment declaring a message longer than any the handshake needs. */
    OVERSIZED,
    /** Not expected now: before the hub as client has started, or after the handshake ended. */
    UNEXPECTED
}
