package io.hub.relay.srtp;

/**
 * Session keys from a master key and salt (RFC 3711 §4.3) with a key derivation rate of 0, the only
 * rate SDES offers without a KDR parameter: each key is derived once, at index 0.
 */
final class KeyDerivation {

    static final int RTP_ENCRYPTION = 0x00;
    static final int RTP_AUTH = 0x01;
    static final int RTP_SALT = 0x02;
    static final int RTCP_ENCRYPTION = 0x03;
    static final int RTCP_AUTH = 0x04;
    static final int RTCP_SALT = 0x05;

    private KeyDerivation() {
    }

    /**
     * The PRF output for one label: AES-CM keyed with the master key over the IV
     * {@code (master_salt XOR (label << 48)) << 16}.
     */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        return derive(new AesCounterMode(masterKey), masterSalt, label, length);
    }

    /** {@link #derive(byte[], byte[], int, int)} with an AES-CM engine already keyed with the master key. */
    static byte[] derive(AesCounterMode prf, byte[] masterSalt, int label, int length) {
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, SrtpSuite.SALT_LENGTH);
        // key_id = label || r (48 bits, zero at rate 0) is 56 bits aligned right in the 112-bit salt.
        iv[7] ^= (byte) label;
        byte[] out = new byte[length];
        prf.apply(iv, out, 0, length);
        return out;
    }
}
