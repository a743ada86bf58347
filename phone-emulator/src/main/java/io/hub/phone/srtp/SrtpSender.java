package io.hub.phone.srtp;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A phone's sending side of SRTP under its own master key: encrypts each RTP packet's payload and
 * appends the tag. Not thread-safe; one per media stream.
 */
public final class SrtpSender {

    private final RtpTransform transform;
    private final Map<Integer, Rollover> rollovers = new HashMap<>();

    public SrtpSender(MasterKey key) {
        this.transform = new RtpTransform(key);
    }

    /** Bytes protect adds to a packet. */
    public int overhead() {
        return transform.tagLength();
    }

    /**
     * Protects the RTP packet between the buffer's position and limit in place; the limit moves past
     * the tag.
     *
     * @throws IllegalArgumentException when it is not RTP version 2, or the heap buffer has no room
     *     for the tag past its limit
     */
    public void protect(ByteBuffer packet) {
        if (!packet.hasArray() || packet.capacity() - packet.limit() < transform.tagLength()) {
            throw new IllegalArgumentException("need a heap buffer with " + transform.tagLength()
                    + " bytes past the packet");
        }
        byte[] b = packet.array();
        int offset = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        int header = RtpTransform.headerLength(b, offset, length);
        if (header < 0) {
            throw new IllegalArgumentException("not an RTP version 2 packet of " + length + " bytes");
        }
        int seq = RtpTransform.sequence(b, offset);
        int ssrc = RtpTransform.ssrc(b, offset);
        Rollover rollover = rollovers.computeIfAbsent(ssrc, s -> new Rollover());
        long roc = Math.max(0, rollover.estimate(seq));
        transform.crypt(ssrc, (roc << 16) | seq, b, offset + header, length - header);
        byte[] tag = transform.tag(b, offset, length, roc);
        System.arraycopy(tag, 0, b, offset + length, transform.tagLength());
        rollover.update(roc, seq);
        packet.limit(packet.limit() + transform.tagLength());
    }
}
