package io.hub.phone.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode (RFC 3711 §4.1.1) from the JDK's {@code AES/CTR/NoPadding}: XORs the keystream
 * that starts at a 16-byte counter block into bytes in place. The JDK increments the whole block
 * while SRTP increments its low 16 bits only; they agree for anything shorter than 2^16 blocks
 * (1 MiB), far more than a packet.
 */
public final class CounterMode {

    private final Cipher cipher;
    private final SecretKeySpec key;

    public CounterMode(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/CTR", e);
        }
    }

    /** XORs the keystream from {@code counter} into {@code data[offset, offset + length)}. */
    public void apply(byte[] counter, byte[] data, int offset, int length) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counter));
            if (cipher.doFinal(data, offset, length, data, offset) != length) {
                throw new IllegalStateException("AES/CTR returned a short output");
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR refused a 16-byte key and counter", e);
        }
    }

    /** The first {@code length} bytes of the keystream from {@code counter}. */
    public byte[] keystream(byte[] counter, int length) {
        byte[] stream = new byte[length];
        apply(counter, stream, 0, length);
        return stream;
    }
}
