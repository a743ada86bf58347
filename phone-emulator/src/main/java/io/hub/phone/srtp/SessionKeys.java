package io.hub.phone.srtp;

/**
 * The SRTP session keys of one master key (RFC 3711 §4.3.1) with a key derivation rate of 0, the
 * SDES default: each key is the AES-CM keystream under the master key from the counter block
 * (master salt XOR (label * 2^48)) * 2^16.
 *
 * @param encryption the 16-byte AES key of the packets' payload (label 0)
 * @param authentication the 20-byte HMAC-SHA1 key of the tag (label 1)
 * @param salt the 14-byte salt of the packets' counter blocks (label 2)
 */
public record SessionKeys(byte[] encryption, byte[] authentication, byte[] salt) {

    /** The labels of RFC 3711 §4.3.1 (RTP) and §4.3.2 (RTCP). */
    public static final int RTP_ENCRYPTION = 0x00;
    public static final int RTP_AUTHENTICATION = 0x01;
    public static final int RTP_SALT = 0x02;
    public static final int RTCP_ENCRYPTION = 0x03;
    public static final int RTCP_AUTHENTICATION = 0x04;
    public static final int RTCP_SALT = 0x05;

    static final int AUTHENTICATION_KEY_LENGTH = 20;

    /** The three SRTP (not SRTCP) session keys of {@code key}. */
    public static SessionKeys forRtp(MasterKey key) {
        return new SessionKeys(derive(key.key(), key.salt(), RTP_ENCRYPTION, 16),
                derive(key.key(), key.salt(), RTP_AUTHENTICATION, AUTHENTICATION_KEY_LENGTH),
                derive(key.key(), key.salt(), RTP_SALT, MasterKey.SALT_LENGTH));
    }

    /** {@code length} bytes of the key of {@code label}. */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] counter = new byte[16];
        System.arraycopy(masterSalt, 0, counter, 0, MasterKey.SALT_LENGTH);
        // key_id = label || r (r = 0), 56 bits, lines up with the last 7 bytes of the 14-byte salt.
        counter[7] ^= (byte) label;
        return new CounterMode(masterKey).keystream(counter, length);
    }
}
