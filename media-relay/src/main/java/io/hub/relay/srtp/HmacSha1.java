package io.hub.relay.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA1 (RFC 2104) over two reused SHA-1 digests, writing the 20-byte result into the caller's
 * array. The JDK's {@code Mac} returns fresh arrays from every {@code doFinal}, even the variant that
 * takes an output array, and a relay computes two HMACs per packet: under load that is megabytes of
 * garbage a second, and young-collection pauses of the relay's thread. The result is the same as
 * {@code Mac.getInstance("HmacSHA1")}'s (the RFC 2202 vectors and a comparison check it).
 * Not thread-safe: one instance per crypto context.
 */
final class HmacSha1 {

    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest inner = sha1();
    private final MessageDigest outer = sha1();
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] innerHash = new byte[LENGTH];

    HmacSha1(byte[] key) {
        byte[] block = key.length > BLOCK ? sha1().digest(key) : key;
        Arrays.fill(innerPad, (byte) 0x36);
        Arrays.fill(outerPad, (byte) 0x5c);
        for (int i = 0; i < block.length; i++) {
            innerPad[i] ^= block[i];
            outerPad[i] ^= block[i];
        }
        inner.update(innerPad);
    }

    void update(byte[] data, int offset, int length) {
        inner.update(data, offset, length);
    }

    /** Writes the HMAC of everything updated since the last call into {@code out[0, 20)} and starts anew. */
    void doFinal(byte[] out) {
        try {
            inner.digest(innerHash, 0, LENGTH);
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(out, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-1 digest is 20 bytes", e);
        }
        inner.update(innerPad);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
