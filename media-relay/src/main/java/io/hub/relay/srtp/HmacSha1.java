package io.hub.relay.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA1 (RFC 2104) over the thread's one SHA-1 digest, writing the 20-byte result into the
 * caller's array. The JDK's {@code Mac} returns fresh arrays from every {@code doFinal}, even the
 * variant that takes an output array, and a relay computes two HMACs per packet: under load that is
 * megabytes of garbage a second, and young-collection pauses of the relay's thread. The result is
 * the same as {@code Mac.getInstance("HmacSHA1")}'s (the RFC 2202 vectors and a comparison check it).
 *
 * <p>A key keeps only its two padded blocks; the digest belongs to the thread. A relay loop serving
 * a thousand calls would otherwise reach, for every packet, two digests of its own for that stream
 * (each a chain of objects), cold in memory, one after the other. Each HMAC is computed whole in one
 * call, so streams taking turns on a thread never see each other's state.
 */
final class HmacSha1 {

    static final int LENGTH = 20;
    private static final int BLOCK = 64;
    private static final byte[] NOTHING = new byte[0];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    HmacSha1(byte[] key) {
        byte[] block = key.length > BLOCK ? sha1().digest(key) : key;
        Arrays.fill(innerPad, (byte) 0x36);
        Arrays.fill(outerPad, (byte) 0x5c);
        for (int i = 0; i < block.length; i++) {
            innerPad[i] ^= block[i];
            outerPad[i] ^= block[i];
        }
    }

    /** Writes the HMAC of {@code data[offset, offset + length)} into {@code out[0, 20)}. */
    void compute(byte[] data, int offset, int length, byte[] out) {
        compute(data, offset, length, NOTHING, 0, out);
    }

    /** Writes the HMAC of {@code data[offset, offset + length)} followed by {@code trailer[0, trailerLength)}. */
    void compute(byte[] data, int offset, int length, byte[] trailer, int trailerLength, byte[] out) {
        Scratch scratch = SCRATCH.get();
        MessageDigest sha = scratch.sha;
        // Clean already unless a call before threw half-way; a left-over state would spoil every HMAC after.
        sha.reset();
        try {
            sha.update(innerPad);
            sha.update(data, offset, length);
            sha.update(trailer, 0, trailerLength);
            sha.digest(scratch.innerHash, 0, LENGTH);
            sha.update(outerPad);
            sha.update(scratch.innerHash);
            sha.digest(out, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-1 digest is 20 bytes", e);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** One thread's digest and inner hash. */
    private static final class Scratch {
        final MessageDigest sha = sha1();
        final byte[] innerHash = new byte[LENGTH];
    }
}
