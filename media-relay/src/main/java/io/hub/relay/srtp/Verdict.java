package io.hub.relay.srtp;

/** What unprotecting one packet found; anything but {@link #OK} means the packet is dropped untouched. */
public enum Verdict {
    OK,
    /** Too short for its header and tag, not RTP version 2, or from one SSRC too many. */
    MALFORMED,
    AUTH_FAILED,
    /** Already received, or older than the 64-packet replay window. */
    REPLAYED
}
