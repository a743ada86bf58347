package io.hub.relay;

import io.hub.relay.srtp.SrtpContext;
import io.hub.relay.srtp.Verdict;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of one relayed call: two legs, A and B. The call side keeps it and passes it back to
 * {@link MediaRelay}; its own methods only tell what the SDP needs (ports).
 *
 * <p>Forwarding runs under this session's monitor, taken by the I/O thread per datagram and by the
 * control methods, so a re-INVITE's new keys never meet a half-processed packet. The lock is
 * uncontended in the steady state, and each session has its own, so sessions never wait for each
 * other.
 */
public final class RelaySession {

    private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

    private final String callId;
    private final RelayMode mode;
    private final RelayLeg a;
    private final RelayLeg b;
    private final RelayMetrics metrics;
    private Duration timeout;
    private long lastSignalMillis;
    private boolean reportedDead;
    private boolean released;

    RelaySession(String callId, RelayMode mode, RelayLeg a, RelayLeg b, Duration timeout, RelayMetrics metrics) {
        this.callId = callId;
        this.mode = mode;
        this.a = a;
        this.b = b;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    public String callId() {
        return callId;
    }

    public RelayMode mode() {
        return mode;
    }

    /** The hub's RTP port facing that leg's phone: what goes in the {@code m=} line sent to it. */
    public int rtpPort(Side side) {
        return leg(side).rtpPort;
    }

    /** The hub's RTCP port facing that leg's phone ({@code a=rtcp}); the RTP port with rtcp-mux. */
    public int rtcpPort(Side side) {
        return leg(side).rtcpPort;
    }

    RelayLeg leg(Side side) {
        return side == Side.A ? a : b;
    }

    synchronized void update(Side side, LegSpec spec) {
        RelayLeg leg = leg(side);
        if (leg.apply(spec, mode)) {
            leg.rtpLatch.reset();
            leg.rtcpLatch.reset();
            LOG.info("relay call {} leg {}: new SDP address {}, learning its source again", callId, side, spec.expectedRtp());
        }
    }

    synchronized void attach(Side side, LegKeying keying) {
        leg(side).keying = keying;
    }

    synchronized void keys(Side side, io.hub.relay.srtp.SdesKey inbound, io.hub.relay.srtp.SdesKey outbound) {
        if (!released) {
            leg(side).keys(inbound, outbound);
            LOG.info("relay call {} leg {}: SRTP keys agreed on the leg", callId, side);
        }
    }

    synchronized void timeout(Duration newTimeout, long nowMillis) {
        timeout = newTimeout;
        a.lastActivityMillis = Math.max(a.lastActivityMillis, nowMillis);
        b.lastActivityMillis = Math.max(b.lastActivityMillis, nowMillis);
    }

    synchronized void signalled(long nowMillis) {
        lastSignalMillis = Math.max(lastSignalMillis, nowMillis);
    }

    synchronized SessionStats stats() {
        return new SessionStats(callId, mode, a.stats(), b.stats());
    }

    synchronized boolean markReleased() {
        boolean first = !released;
        released = true;
        return first;
    }

    /** The leg silent for the timeout as of {@code nowMillis}, once per session; else null. */
    synchronized DeadStream deadLeg(long nowMillis) {
        if (reportedDead || released) {
            return null;
        }
        for (RelayLeg leg : new RelayLeg[] {a, b}) {
            if (nowMillis - Math.max(leg.lastActivityMillis, lastSignalMillis) >= timeout.toMillis()) {
                reportedDead = true;
                return new DeadStream(this, leg.side, Instant.ofEpochMilli(leg.lastActivityMillis), timeout);
            }
        }
        return null;
    }

    /**
     * One datagram that reached {@code from}'s port {@code onRtcpPort}, in {@code packet} between position
     * and limit, with room for an SRTP tag past the limit. Forwards it to the other leg or drops it with
     * a counted reason; never throws for what a remote sent.
     */
    synchronized void forward(RelayLeg from, boolean onRtcpPort, InetSocketAddress source, ByteBuffer packet,
                              long nowMillis, long nowNanos) {
        if (released) {
            return;
        }
        int wireLength = packet.remaining();
        if (from.keying != null && wireLength > 0) {
            PacketKind kind = PacketKind.of(packet.get(packet.position()));
            if (kind == PacketKind.STUN || kind == PacketKind.DTLS) {
                from.keying.received(kind, packet.array(), packet.arrayOffset() + packet.position(), wireLength, source);
                return;
            }
        }
        if (wireLength < 8 || (packet.get(packet.position()) & 0xc0) != 0x80) {
            dropped(from, DropReason.MALFORMED);
            return;
        }
        // RFC 5761 §4: on a muxed port, RTCP is told apart by its packet type (192-223 in the second byte).
        int secondByte = packet.get(packet.position() + 1) & 0xff;
        boolean rtcp = onRtcpPort || (from.rtcpMux && secondByte >= 192 && secondByte <= 223);
        if (!rtcp && wireLength < 12) {
            dropped(from, DropReason.MALFORMED);
            return;
        }
        Latch latch = rtcp ? from.rtcpLatch : from.rtpLatch;
        if (mode == RelayMode.TERMINATION) {
            if (from.inbound == null) {
                dropped(from, DropReason.NO_KEY);
                return;
            }
            Verdict verdict = rtcp ? from.inbound.unprotectRtcp(packet) : from.inbound.unprotectRtp(packet);
            if (verdict != Verdict.OK) {
                dropped(from, switch (verdict) {
                    case AUTH_FAILED -> DropReason.AUTH_FAILED;
                    case REPLAYED -> DropReason.REPLAYED;
                    default -> DropReason.MALFORMED;
                });
                return;
            }
            InetSocketAddress before = latch.address();
            if (latch.authenticated(source)) {
                LOG.info("relay call {} leg {}: {} latched to {}{}", callId, from.side, rtcp ? "RTCP" : "RTP", source,
                        before == null ? "" : " (was " + before + ")");
            }
        } else {
            InetSocketAddress before = latch.address();
            if (!latch.offer(source, rtcp ? from.expectedRtcp : from.expectedRtp)) {
                dropped(from, DropReason.FOREIGN_SOURCE);
                return;
            }
            if (before == null || !before.equals(latch.address())) {
                LOG.info("relay call {} leg {}: {} latched to {}{}", callId, from.side, rtcp ? "RTCP" : "RTP", source,
                        before == null ? "" : " (was " + before + ")");
            }
        }
        from.packets++;
        from.bytes += wireLength;
        from.lastActivityMillis = nowMillis;
        from.hasSent = true;
        metrics.received(wireLength);
        if (!rtcp) {
            byte[] b = packet.array();
            int at = packet.arrayOffset() + packet.position();
            from.rtpStats.onPacket(int32(b, at + 8), ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff),
                    int32(b, at + 4), nowNanos);
        }
        send(from.side.other(), rtcp, packet, from);
    }

    private void send(Side to, boolean rtcp, ByteBuffer packet, RelayLeg from) {
        RelayLeg peer = leg(to);
        InetSocketAddress destination = (rtcp ? peer.rtcpLatch : peer.rtpLatch).address();
        if (destination == null) {
            dropped(from, DropReason.PEER_NOT_LATCHED);
            return;
        }
        if (mode == RelayMode.TERMINATION) {
            SrtpContext outbound = peer.outbound;
            if (outbound == null) {
                dropped(from, DropReason.NO_KEY);
                return;
            }
            if (rtcp) {
                outbound.protectRtcp(packet);
            } else if (!outbound.protectRtp(packet)) {
                dropped(from, DropReason.INDEX_REUSED);
                return;
            }
        }
        DatagramChannel channel = rtcp && !peer.rtcpMux ? peer.rtcpChannel : peer.rtpChannel;
        int length = packet.remaining();
        try {
            if (channel.send(packet, destination) == 0) {
                dropped(from, DropReason.SEND_FAILED);
                return;
            }
        } catch (IOException e) {
            dropped(from, DropReason.SEND_FAILED);
            return;
        }
        peer.packetsSent++;
        peer.bytesSent += length;
        metrics.sent(length);
    }

    private void dropped(RelayLeg leg, DropReason reason) {
        leg.drop(reason);
        metrics.dropped(reason);
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    @Override
    public String toString() {
        return "RelaySession[" + callId + ", " + mode + ", A " + a.rtpPort + ", B " + b.rtpPort + "]";
    }
}
