package io.hub.phone.srtp;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A phone's receiving side of SRTP under the other side's master key: checks the tag, then decrypts.
 * A test peer, so no replay window: a replayed packet that authenticates is counted by the caller's
 * statistics as a duplicate. Not thread-safe; one per media stream.
 */
public final class SrtpReceiver {

    /** What became of a packet. */
    public enum Result { OK, MALFORMED, AUTH_FAILED }

    /** More SSRCs than one m-line carries: bounds what unauthenticated packets could make this keep. */
    private static final int MAX_SSRCS = 16;

    private final RtpTransform transform;
    private final Map<Integer, Rollover> rollovers = new HashMap<>();

    public SrtpReceiver(MasterKey key) {
        this.transform = new RtpTransform(key);
    }

    /**
     * Authenticates and decrypts the SRTP packet between the buffer's position and limit in place; on
     * {@link Result#OK} the limit drops the tag, otherwise the packet is left as it was.
     */
    public Result unprotect(ByteBuffer packet) {
        if (!packet.hasArray()) {
            throw new IllegalArgumentException("need a heap buffer");
        }
        byte[] b = packet.array();
        int offset = packet.arrayOffset() + packet.position();
        int length = packet.remaining() - transform.tagLength();
        int header = RtpTransform.headerLength(b, offset, length);
        if (header < 0) {
            return Result.MALFORMED;
        }
        int seq = RtpTransform.sequence(b, offset);
        int ssrc = RtpTransform.ssrc(b, offset);
        Rollover rollover = rollovers.get(ssrc);
        if (rollover == null) {
            if (rollovers.size() >= MAX_SSRCS) {
                return Result.MALFORMED;
            }
            rollover = new Rollover();
        }
        long roc = Math.max(0, rollover.estimate(seq));
        byte[] expected = Arrays.copyOf(transform.tag(b, offset, length, roc), transform.tagLength());
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(b, offset + length, offset + length
                + transform.tagLength()))) {
            return Result.AUTH_FAILED;
        }
        transform.crypt(ssrc, (roc << 16) | seq, b, offset + header, length - header);
        rollover.update(roc, seq);
        rollovers.putIfAbsent(ssrc, rollover);
        packet.limit(packet.position() + length);
        return Result.OK;
    }
}
