package io.hub.relay;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpContext;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One phone's side of a session: the hub's ports facing it, where it latched, its keys and counters.
 * Guarded by its session's lock.
 */
final class RelayLeg {

    final Side side;
    /** Becomes true once at most: a port-pair leg whose WebRTC answer muxes ({@link #apply}). */
    boolean rtcpMux;
    final int rtpPort;
    final int rtcpPort;
    final DatagramChannel rtpChannel;
    final DatagramChannel rtcpChannel;
    final Latch rtpLatch = new Latch();
    Latch rtcpLatch;
    final RtpStreamStats rtpStats;
    private final long[] dropped = new long[DropReason.values().length];

    InetSocketAddress expectedRtp;
    InetSocketAddress expectedRtcp;
    SdesKey inboundKey;
    SdesKey outboundKey;
    SrtpContext inbound;
    SrtpContext outbound;
    long packets;
    long bytes;
    long packetsSent;
    long bytesSent;
    long lastActivityMillis;
    boolean hasSent;
    /** STUN and DTLS on this leg's port go here; null on an SDES leg, where they are malformed media. */
    LegKeying keying;

    RelayLeg(Side side, LegSpec spec, int rtpPort, DatagramChannel rtpChannel, int rtcpPort,
             DatagramChannel rtcpChannel, int clockRate, long nowMillis) {
        this.side = side;
        this.rtcpMux = spec.rtcpMux();
        this.rtpPort = rtpPort;
        this.rtpChannel = rtpChannel;
        this.rtcpPort = rtcpPort;
        this.rtcpChannel = rtcpChannel;
        this.rtcpLatch = rtcpMux ? rtpLatch : new Latch();
        this.rtpStats = new RtpStreamStats(clockRate);
        this.lastActivityMillis = nowMillis;
        apply(spec, RelayMode.TERMINATION);
    }

    /** Takes a re-INVITE's view of the phone; returns whether the expected addresses changed. */
    boolean apply(LegSpec spec, RelayMode mode) {
        if (spec.rtcpMux() && !rtcpMux && rtpLatch.address() == null && rtcpLatch.address() == null) {
            // The first answer of a leg allocated as a port pair before its phone was known, from a
            // WebRTC phone, which muxes: RTCP moves onto the RTP port; the RTCP port stays reserved, unused,
            // until the session is released.
            rtcpMux = true;
            rtcpLatch = rtpLatch;
        } else if (spec.rtcpMux() != rtcpMux) {
            throw new IllegalArgumentException("leg " + side + " cannot switch rtcp-mux on a re-INVITE; allocate anew");
        }
        boolean moved = !Objects.equals(expectedRtp, spec.expectedRtp())
                || !Objects.equals(expectedRtcp, spec.rtcpHint());
        expectedRtp = spec.expectedRtp();
        expectedRtcp = spec.rtcpHint();
        if (spec.inboundKey() != null && !spec.inboundKey().equals(inboundKey)) {
            inboundKey = spec.inboundKey();
            inbound = new SrtpContext(inboundKey);
        }
        if (spec.outboundKey() != null && !spec.outboundKey().equals(outboundKey)) {
            outboundKey = spec.outboundKey();
            outbound = new SrtpContext(outboundKey);
        }
        return moved && mode == RelayMode.PASSTHROUGH;
    }

    /** Keys agreed on the leg's port itself (DTLS-SRTP), replacing any it had. */
    void keys(SdesKey inbound, SdesKey outbound) {
        inboundKey = inbound;
        this.inbound = new SrtpContext(inbound);
        outboundKey = outbound;
        this.outbound = new SrtpContext(outbound);
    }

    void drop(DropReason reason) {
        dropped[reason.ordinal()]++;
    }

    StreamStats received() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (dropped[reason.ordinal()] > 0) {
                drops.put(reason, dropped[reason.ordinal()]);
            }
        }
        return new StreamStats(packets, bytes, rtpStats.lost(), rtpStats.jitterUnits(), rtpStats.jitterMillis(),
                Map.copyOf(drops), rtpLatch.address(), rtcpLatch.address(),
                hasSent ? Instant.ofEpochMilli(lastActivityMillis) : null);
    }

    LegStats stats() {
        return new LegStats(side, rtpPort, rtcpPort, received(), packetsSent, bytesSent);
    }
}
