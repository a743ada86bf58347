package io.hub.relay;

/**
 * One leg: its ports, what its phone sent the relay, and what the relay sent that phone.
 *
 * @param rtcpPort equal to {@code rtpPort} with rtcp-mux
 */
public record LegStats(Side side, int rtpPort, int rtcpPort, StreamStats received, long packetsSent, long bytesSent) {
}
