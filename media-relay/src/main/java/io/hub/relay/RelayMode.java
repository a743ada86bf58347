package io.hub.relay;

/** What the relay does to the SRTP it forwards; chosen per session. */
public enum RelayMode {
    /** Bytes forwarded untouched; the phones share the offerer's key end to end. */
    PASSTHROUGH,
    /** Each leg has its own keys: decrypted with the sender's key, re-encrypted with the hub's key for the receiver. */
    TERMINATION
}
