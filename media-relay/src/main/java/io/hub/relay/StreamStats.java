package io.hub.relay;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * What one phone sent the relay, as of one moment.
 *
 * @param packets datagrams accepted (authenticated in termination, from the latched source in passthrough)
 * @param bytes their sizes on the wire
 * @param lost RTP packets missing from the sequence numbers (RFC 3550 A.3)
 * @param jitter interarrival jitter in RTP timestamp units (RFC 3550 A.8)
 * @param jitterMillis the same at the relay's clock rate
 * @param dropped datagrams not forwarded, by reason, zero counts omitted
 * @param latchedRtp where the relay sends this phone's RTP, or null before it latched
 * @param latchedRtcp where it sends RTCP (the RTP address with rtcp-mux), or null
 * @param lastPacket when the last accepted packet came, or null
 */
public record StreamStats(long packets, long bytes, long lost, double jitter, double jitterMillis,
                          Map<DropReason, Long> dropped, InetSocketAddress latchedRtp, InetSocketAddress latchedRtcp,
                          Instant lastPacket) {

    /** The seed's quality bounds: jitter above 30 ms or loss above 1 %. */
    public boolean breaksQualityBounds() {
        long expected = packets + lost;
        return jitterMillis > 30 || (expected > 0 && lost * 100 > expected);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }
}
