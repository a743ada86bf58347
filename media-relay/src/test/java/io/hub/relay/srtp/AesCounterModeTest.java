package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * AES-CM against the JDK's AES/CTR (the same keystream while the counter's low 16 bits do not wrap):
 * every length and offset, so the XOR eight bytes at a time and its tail are both covered, and with
 * the thread's shared buffers used by several contexts in turn and by several threads at once.
 */
class AesCounterModeTest {

    private final Random random = new Random(3711);

    @Test
    void everyLengthAndOffsetMatchesTheJdksCounterMode() throws Exception {
        byte[] key = bytes(16);
        AesCounterMode mode = new AesCounterMode(key);
        for (int length = 0; length <= 100; length++) {
            for (int offset = 0; offset < 10; offset++) {
                byte[] iv = counterBlock();
                byte[] data = bytes(offset + length + 3);
                byte[] expected = data.clone();
                byte[] ciphered = jdkCounterMode(key, iv, expected, offset, length);
                System.arraycopy(ciphered, 0, expected, offset, length);

                mode.apply(iv, data, offset, length);

                assertArrayEquals(expected, data, "length " + length + " at offset " + offset);
            }
        }
    }

    @Test
    void contextsTakingTurnsOnOneThreadEachKeepTheirOwnKeystream() throws Exception {
        byte[] firstKey = bytes(16);
        byte[] secondKey = bytes(16);
        AesCounterMode first = new AesCounterMode(firstKey);
        AesCounterMode second = new AesCounterMode(secondKey);
        for (int packet = 0; packet < 20; packet++) {
            byte[] iv = counterBlock();
            int length = 160 + packet;
            byte[] plain = bytes(length);
            byte[] a = plain.clone();
            byte[] b = plain.clone();

            first.apply(iv, a, 0, length);
            second.apply(iv, b, 0, length);

            assertArrayEquals(jdkCounterMode(firstKey, iv, plain, 0, length), a, "packet " + packet + ", first key");
            assertArrayEquals(jdkCounterMode(secondKey, iv, plain, 0, length), b, "packet " + packet + ", second key");
        }
    }

    @Test
    void threadsAtOnceEachUseTheirOwnBuffers() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte[] key = bytes(16);
                byte[] iv = counterBlock();
                byte[] plain = bytes(1000 + 97 * t);
                byte[] expected = jdkCounterMode(key, iv, plain, 0, plain.length);
                AesCounterMode mode = new AesCounterMode(key);
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        byte[] data = plain.clone();
                        mode.apply(iv, data, 0, data.length);
                        assertArrayEquals(expected, data, "round " + i);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A counter block as SRTP makes one: random but for the low 16 bits, which start at zero. */
    private byte[] counterBlock() {
        byte[] iv = bytes(16);
        iv[14] = 0;
        iv[15] = 0;
        return iv;
    }

    private byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static byte[] jdkCounterMode(byte[] key, byte[] iv, byte[] data, int offset, int length) throws Exception {
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return ctr.doFinal(data, offset, length);
    }
}
