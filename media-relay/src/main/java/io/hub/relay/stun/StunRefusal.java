package io.hub.relay.stun;

/** Why a STUN datagram on an ICE-lite leg was dropped unanswered; one counter and log reason each. */
public enum StunRefusal {
    /** Not a well-formed STUN message. */
    MALFORMED,
    /** No FINGERPRINT, or one that is not the message's CRC-32 (ICE requires it, RFC 8445 §7.3). */
    BAD_FINGERPRINT,
    /** Not a Binding request: an ICE-lite agent sends no requests, so it expects no responses. */
    UNEXPECTED_TYPE,
    /** USERNAME is not "hub-ufrag:peer-ufrag" of this leg's SDP: a check meant for another leg or call. */
    FOREIGN_USERNAME,
    /** No MESSAGE-INTEGRITY, or one that is not keyed with the hub's ice-pwd. */
    BAD_INTEGRITY,
    /** A transaction ID already answered, now from another address: a captured request played again. */
    REPLAYED
}
