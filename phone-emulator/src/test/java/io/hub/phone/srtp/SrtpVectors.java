package io.hub.phone.srtp;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * SRTP and SRTCP test vectors in one place, for the emulator's SRTP and the relay's: RFC 3711
 * appendix B.2 (AES-CM keystream) and B.3 (key derivation), and whole packets under B.3's master
 * key. The packets (SSRC DEADBEEF, timestamp CAFEBABE, payload 00..13) were computed outside Java
 * from the appendix's session keys with AES-CTR and HMAC-SHA1, so neither implementation checks
 * itself against its own output.
 */
public final class SrtpVectors {

    public static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** B.2: the session key and the first counter block (salt F0..FD, SSRC 0, index 0). */
    public static final String B2_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    public static final String B2_COUNTER = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000";
    /** B.2: keystream blocks by counter: 0, 1, 2, FEFF, FF00, FF01. */
    public static final int[] B2_BLOCK_NUMBERS = {0x0000, 0x0001, 0x0002, 0xfeff, 0xff00, 0xff01};
    public static final String[] B2_BLOCKS = {"E03EAD0935C95E80E166B16DD92B4EB4", "D23513162B02D0F72A43A2FE4A5F97AB",
        "41E95B3BB0A2E8DD477901E4FCA894C0", "EC8CDF7398607CB0F2D21675EA9EA1E4", "362B7C3C6773516318A077D7FC5073AE",
        "6A2CC3787889374FBEB4C81B17BA6C44"};

    /** B.3: the master key and salt, also the key of every packet vector below. */
    public static final String MASTER_KEY = "E1F97A0D3E018BE0D64FA32C06DE4139";
    public static final String MASTER_SALT = "0EC675AD498AFEEBB6960B3AABE6";
    /** B.3: the session encryption key, salt, and the first 94 bytes of the authentication key stream. */
    public static final String B3_ENCRYPTION = "C61E7A93744F39EE10734AFE3FF7A087";
    public static final String B3_SALT = "30CBBC08863D8C85D49DB34A9AE1";
    public static final String B3_AUTHENTICATION_94 = "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"
            + "8F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
            + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E47403576"
            + "6B68642C59BBFC2F34DB60DBDFB2";

    /** Sequence 1234, rollover count 0: header, encrypted payload, 80-bit tag (the 32-bit suite's is its first 4 bytes). */
    public static final String SEQ_1234 = "80001234CAFEBABEDEADBEEF1E162DED720B403A2A241E308709EA43D8088BC5"
            + "AC5F18161078DB44360B";
    /** Sequence FFFF, the last of rollover count 0. */
    public static final String SEQ_FFFF = "8000FFFFCAFEBABEDEADBEEFBC2343396E43953A1A885039CE8C4E4C37FAEADA"
            + "E09D296227F152E9128E";
    /** Sequence 0000 after FFFF: rollover count 1, in the counter block and under the tag. */
    public static final String SEQ_0000_ROC_1 = "80000000CAFEBABEDEADBEEF491DD5A221C3259D77E117B2464CBE5B4D5AEE3F"
            + "DE66670A0C15391B5BFE";

    /** A receiver report of SSRC DEADBEEF with payload 00..07, and a sender's first two SRTCP packets of it. */
    public static final String RTCP_PLAIN = "80C90001DEADBEEF0001020304050607";
    public static final String RTCP_INDEX_0 = "80C90001DEADBEEF63C82F10406BA04A80000000275AF36212B134D3C8B9";
    public static final String RTCP_INDEX_1 = "80C90001DEADBEEF1FFB1796830A8B8B80000001E3BAD2D2AF441CBDB412";

    private SrtpVectors() {
    }

    /** The plain RTP packet of the vectors with sequence number {@code seq}: PCMU, payload 00..13. */
    public static byte[] plainRtp(int seq) {
        byte[] packet = new byte[12 + 20];
        ByteBuffer.wrap(packet).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(0xCAFEBABE)
                .putInt(0xDEADBEEF);
        for (int i = 0; i < 20; i++) {
            packet[12 + i] = (byte) i;
        }
        return packet;
    }

    /** {@code packet} without the last {@code 10 - tagLength} bytes: the vector with a shorter tag. */
    public static String withTag(String packet, int tagLength) {
        return packet.substring(0, packet.length() - 2 * (10 - tagLength));
    }
}
