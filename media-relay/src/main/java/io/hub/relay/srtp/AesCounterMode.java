package io.hub.relay.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 *
 * <p>The counter and keystream buffers belong to the thread, not the context: a relay loop serving a
 * thousand calls would otherwise walk a thousand pairs of them through its caches, one pair a packet.
 */
final class AesCounterMode {

    private static final int BLOCK = 16;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Cipher ecb;

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
        Scratch scratch = SCRATCH.get();
        byte[] counters = scratch.counters(bytes);
        byte[] keystream = scratch.keystream;
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
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            long x = (long) LONGS.get(data, offset + i) ^ (long) LONGS.get(keystream, i);
            LONGS.set(data, offset + i, x);
        }
        for (; i < length; i++) {
            data[offset + i] ^= keystream[i];
        }
    }

    /** One thread's counter blocks and keystream, grown to the largest packet it has seen. */
    private static final class Scratch {
        byte[] counters = new byte[BLOCK * 128];
        byte[] keystream = new byte[BLOCK * 128];

        byte[] counters(int bytes) {
            if (counters.length < bytes) {
                counters = new byte[bytes];
                keystream = new byte[bytes];
            }
            return counters;
        }
    }
}
