package io.hub.phone.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What sending and receiving share under one master key: the payload cipher with its counter blocks
 * (RFC 3711 §4.1.1) and the HMAC-SHA1 tag over the packet and its rollover count (§4.2).
 */
final class RtpTransform {

    private final CryptoSuite suite;
    private final CounterMode cipher;
    private final Mac mac;
    private final byte[] salt;

    RtpTransform(MasterKey key) {
        SessionKeys keys = SessionKeys.forRtp(key);
        this.suite = key.suite();
        this.cipher = new CounterMode(keys.encryption());
        this.salt = keys.salt();
        try {
            this.mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(keys.authentication(), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA1", e);
        }
    }

    int tagLength() {
        return suite.tagLength();
    }

    /** XORs the keystream of packet {@code index} of {@code ssrc} into the payload. */
    void crypt(int ssrc, long index, byte[] b, int offset, int length) {
        cipher.apply(counter(salt, ssrc, index), b, offset, length);
    }

    /** The first counter block of a packet: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), for SRTP and SRTCP. */
    static byte[] counter(byte[] salt, int ssrc, long index) {
        byte[] counter = new byte[16];
        System.arraycopy(salt, 0, counter, 0, MasterKey.SALT_LENGTH);
        for (int i = 0; i < 4; i++) {
            counter[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            counter[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        return counter;
    }

    /** The full 20-byte HMAC of {@code b[offset, offset + length)} followed by the rollover count. */
    byte[] tag(byte[] b, int offset, int length, long roc) {
        mac.update(b, offset, length);
        mac.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) roc});
        return mac.doFinal();
    }

    /** The header's length with CSRCs and extension, or -1 when it is not RTP version 2 or does not fit. */
    static int headerLength(byte[] b, int offset, int length) {
        if (length < 12 || (b[offset] & 0xc0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (b[offset] & 0x0f);
        if ((b[offset] & 0x10) != 0) {
            if (length < header + 4) {
                return -1;
            }
            header += 4 + 4 * (((b[offset + header + 2] & 0xff) << 8) | (b[offset + header + 3] & 0xff));
        }
        return header <= length ? header : -1;
    }

    static int sequence(byte[] b, int offset) {
        return ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff);
    }

    static int ssrc(byte[] b, int offset) {
        return ((b[offset + 8] & 0xff) << 24) | ((b[offset + 9] & 0xff) << 16) | ((b[offset + 10] & 0xff) << 8)
                | (b[offset + 11] & 0xff);
    }
}
