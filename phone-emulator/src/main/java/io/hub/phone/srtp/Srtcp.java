package io.hub.phone.srtp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of SRTCP under a master key (RFC 3711 §3.4): everything after the first 8 bytes is
 * encrypted, then the E flag with the 31-bit SRTCP index, then an 80-bit tag in both suites
 * (RFC 4568 §6.2). The sending side numbers its packets from 0. No replay window: a test peer. Not
 * thread-safe.
 */
public final class Srtcp {

    private static final int TAG_LENGTH = 10;
    private static final int INDEX_LENGTH = 4;
    private static final int ENCRYPTED = 0x8000_0000;

    private final CounterMode cipher;
    private final Mac mac;
    private final byte[] salt;
    private int nextIndex;

    public Srtcp(MasterKey key) {
        byte[] master = key.key();
        byte[] masterSalt = key.salt();
        this.cipher = new CounterMode(SessionKeys.derive(master, masterSalt, SessionKeys.RTCP_ENCRYPTION, 16));
        this.salt = SessionKeys.derive(master, masterSalt, SessionKeys.RTCP_SALT, MasterKey.SALT_LENGTH);
        try {
            this.mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SessionKeys.derive(master, masterSalt, SessionKeys.RTCP_AUTHENTICATION,
                    SessionKeys.AUTHENTICATION_KEY_LENGTH), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA1", e);
        }
    }

    /**
     * Protects the RTCP compound packet between position and limit in place; the limit moves past the
     * index word and the tag.
     *
     * @throws IllegalArgumentException when it is not RTCP version 2 or the heap buffer has no room
     */
    public void protect(ByteBuffer packet) {
        if (!packet.hasArray() || packet.capacity() - packet.limit() < INDEX_LENGTH + TAG_LENGTH) {
            throw new IllegalArgumentException("need a heap buffer with 14 bytes past the packet");
        }
        byte[] b = packet.array();
        int offset = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        if (length < 8 || (b[offset] & 0xc0) != 0x80) {
            throw new IllegalArgumentException("not an RTCP version 2 packet of " + length + " bytes");
        }
        int index = nextIndex;
        nextIndex = (nextIndex + 1) & 0x7fff_ffff;
        cipher.apply(RtpTransform.counter(salt, ssrc(b, offset), index), b, offset + 8, length - 8);
        ByteBuffer.wrap(b, offset + length, INDEX_LENGTH).putInt(ENCRYPTED | index);
        byte[] tag = tag(b, offset, length + INDEX_LENGTH);
        System.arraycopy(tag, 0, b, offset + length + INDEX_LENGTH, TAG_LENGTH);
        packet.limit(packet.limit() + INDEX_LENGTH + TAG_LENGTH);
    }

    /**
     * Authenticates and, when its E flag says so, decrypts the SRTCP packet between position and
     * limit in place; on {@link SrtpReceiver.Result#OK} the limit drops index word and tag.
     */
    public SrtpReceiver.Result unprotect(ByteBuffer packet) {
        byte[] b = packet.array();
        int offset = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        if (length < 8 + INDEX_LENGTH + TAG_LENGTH || (b[offset] & 0xc0) != 0x80) {
            return SrtpReceiver.Result.MALFORMED;
        }
        int authenticated = length - TAG_LENGTH;
        if (!MessageDigest.isEqual(Arrays.copyOf(tag(b, offset, authenticated), TAG_LENGTH),
                Arrays.copyOfRange(b, offset + authenticated, offset + length))) {
            return SrtpReceiver.Result.AUTH_FAILED;
        }
        int plain = authenticated - INDEX_LENGTH;
        int word = ByteBuffer.wrap(b, offset + plain, INDEX_LENGTH).getInt();
        if ((word & ENCRYPTED) != 0) {
            cipher.apply(RtpTransform.counter(salt, ssrc(b, offset), word & 0x7fff_ffff), b, offset + 8, plain - 8);
        }
        packet.limit(packet.position() + plain);
        return SrtpReceiver.Result.OK;
    }

    private byte[] tag(byte[] b, int offset, int length) {
        mac.update(b, offset, length);
        return mac.doFinal();
    }

    private static int ssrc(byte[] b, int offset) {
        return ByteBuffer.wrap(b, offset + 4, 4).getInt();
    }
}
