package io.hub.phone.call;

/**
 * One direction of a call's media, as the receiving phone measured it.
 *
 * @param sent packets this phone sent the other way
 * @param received authenticated packets received
 * @param lossPercent lost of expected, from sequence numbers (RFC 3550)
 * @param jitterMillis RFC 3550 interarrival jitter in milliseconds
 * @param authFailures packets whose SRTP authentication failed
 */
public record MediaReport(long sent, long received, long lost, double lossPercent, double jitterMillis,
        long authFailures) {
}
