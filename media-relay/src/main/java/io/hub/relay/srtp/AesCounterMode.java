package io.hub.relay.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode as RFC 3711 §4.1.1 defines it: the 16-byte IV is the first counter block and
 * only its last 16 bits count up, so one packet is at most 2^16 blocks.
 *
 * <p>The keystream comes from one AES/ECB cipher initialised once with the session key: the counter
 * blocks for a packet are written into a reused buffer and encrypted in a single call, which costs no
 * re-initialisation and no allocation per packet (AES/CTR would need {@code init} with a fresh IV
 * each time). Not thread-safe: one instance per crypto context.
 */
final class AesCounterMode {

    private static final int BLOCK = 16;

    private final Cipher ecb;
    private byte[] counters = new byte[BLOCK * 128];
    private byte[] keystream = new byte[BLOCK * 128];

    AesCounterMode(byte[] key) {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/ECB/NoPadding", e);
        }
    }

    /** XORs {@code length} bytes of {@code data} at {@code offset} with the keystream starting at {@code iv}. */
    void apply(byte[] iv, byte[] data, int offset, int length) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        if (blocks > 0x10000) {
            throw new IllegalArgumentException("AES-CM covers at most 2^16 blocks, not " + blocks);
        }
        int bytes = blocks * BLOCK;
        if (counters.length < bytes) {
            counters = new byte[bytes];
            keystream = new byte[bytes];
        }
        int low = ((iv[14] & 0xff) << 8) | (iv[15] & 0xff);
        for (int b = 0; b < blocks; b++) {
            int at = b * BLOCK;
            System.arraycopy(iv, 0, counters, at, 14);
            int counter = (low + b) & 0xffff;
            counters[at + 14] = (byte) (counter >>> 8);
            counters[at + 15] = (byte) counter;
        }
        try {
            ecb.update(counters, 0, bytes, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("keystream buffer sized for the counters", e);
        }
        for (int i = 0; i < length; i++) {
            data[offset + i] ^= keystream[i];
        }
    }
}
