package io.hub.relay;

/** Why a datagram that reached a relay port was not forwarded. */
public enum DropReason {
    /** Not RTP/RTCP version 2, truncated, or too big for the relay's buffer. */
    MALFORMED,
    /** The SRTP tag did not verify under the leg's inbound key (termination). */
    AUTH_FAILED,
    /** Already seen, or older than the replay window (termination). */
    REPLAYED,
    /** The leg has no inbound key yet, or the other leg no outbound key (termination). */
    NO_KEY,
    /** From a source other than the one the leg latched to (passthrough). */
    FOREIGN_SOURCE,
    /** The other phone has not sent anything yet, so there is no verified address to send to. */
    PEER_NOT_LATCHED,
    /**
     * Re-encrypted for the peer it would reuse an SRTP index already sent under the peer's key (the
     * sender restarted its sequence numbers in one SSRC): never encrypted twice (termination).
     */
    INDEX_REUSED,
    /** The operating system refused the datagram (socket buffer full, unreachable). */
    SEND_FAILED
}
