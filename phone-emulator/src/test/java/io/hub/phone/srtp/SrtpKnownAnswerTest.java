package io.hub.phone.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Whole SRTP packets under the master key of RFC 3711 B.3: SSRC DEADBEEF, timestamp CAFEBABE,
 * payload 00..13. The expected bytes were computed outside Java, from the appendix's session keys,
 * AES-CTR and HMAC-SHA1; the hub's relay has the same vectors in its own test.
 */
class SrtpKnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final MasterKey KEY_80 = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80,
            HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139"), HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6"));
    /** Sequence 1234, rollover count 0: header, encrypted payload, 80-bit tag. */
    static final String SEQ_1234 = "80001234CAFEBABEDEADBEEF1E162DED720B403A2A241E308709EA43D8088BC5"
            + "AC5F18161078DB44360B";
    /** Sequence FFFF, the last of rollover count 0. */
    static final String SEQ_FFFF = "8000FFFFCAFEBABEDEADBEEFBC2343396E43953A1A885039CE8C4E4C37FAEADA"
            + "E09D296227F152E9128E";
    /** Sequence 0000 after FFFF: rollover count 1, in the counter block and under the tag. */
    static final String SEQ_0000_ROC_1 = "80000000CAFEBABEDEADBEEF491DD5A221C3259D77E117B2464CBE5B4D5AEE3F"
            + "DE66670A0C15391B5BFE";

    @Test
    void aPacketProtectsToTheKnownBytes() {
        assertEquals(SEQ_1234, HEX.formatHex(protect(new SrtpSender(KEY_80), 0x1234)));
    }

    @Test
    void theRolloverCountEntersCounterAndTagAfterTheSequenceWraps() {
        SrtpSender sender = new SrtpSender(KEY_80);
        assertEquals(SEQ_FFFF, HEX.formatHex(protect(sender, 0xffff)));
        assertEquals(SEQ_0000_ROC_1, HEX.formatHex(protect(sender, 0x0000)));
    }

    @Test
    void theThirtyTwoBitSuiteSendsTheFirstFourBytesOfTheTag() {
        MasterKey key32 = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_32, KEY_80.key(), KEY_80.salt());
        assertEquals(SEQ_1234.substring(0, SEQ_1234.length() - 12), HEX.formatHex(protect(new SrtpSender(key32),
                0x1234)));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void theKnownPacketsUnprotectToThePlainOnesInOrderAcrossTheWrap(CryptoSuite suite) {
        SrtpReceiver receiver = new SrtpReceiver(new MasterKey(suite, KEY_80.key(), KEY_80.salt()));
        for (String[] known : new String[][] {{SEQ_FFFF, "FFFF"}, {SEQ_0000_ROC_1, "0000"}}) {
            String sent = known[0].substring(0, known[0].length() - 20 + 2 * suite.tagLength());
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(sent));

            assertEquals(SrtpReceiver.Result.OK, receiver.unprotect(packet));
            assertArrayEquals(plain(Integer.parseInt(known[1], 16)), Arrays.copyOf(packet.array(), packet.limit()));
        }
    }

    @Test
    void aFlippedBitOrAnotherKeyIsRefusedAndTheBytesStay() {
        for (int bit : new int[] {8 + 3, 8 * 8, 8 * 20 + 5, 8 * 35 + 7}) {
            byte[] tampered = HEX.parseHex(SEQ_1234);
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            ByteBuffer packet = ByteBuffer.wrap(tampered.clone());

            assertEquals(SrtpReceiver.Result.AUTH_FAILED, new SrtpReceiver(KEY_80).unprotect(packet), "bit " + bit);
            assertArrayEquals(tampered, packet.array());
        }
        assertEquals(SrtpReceiver.Result.AUTH_FAILED, new SrtpReceiver(MasterKey.generate(
                CryptoSuite.AES_CM_128_HMAC_SHA1_80)).unprotect(ByteBuffer.wrap(HEX.parseHex(SEQ_1234))));
    }

    @Test
    void whatIsNotAnRtpPacketIsMalformed() {
        SrtpReceiver receiver = new SrtpReceiver(KEY_80);
        assertEquals(SrtpReceiver.Result.MALFORMED, receiver.unprotect(ByteBuffer.wrap(new byte[21])),
                "shorter than header and tag");
        byte[] version1 = HEX.parseHex(SEQ_1234);
        version1[0] = 0x40;
        assertEquals(SrtpReceiver.Result.MALFORMED, receiver.unprotect(ByteBuffer.wrap(version1)));
        assertThrows(IllegalArgumentException.class, () -> new SrtpSender(KEY_80).protect(ByteBuffer.wrap(plain(1))),
                "no room for the tag");
    }

    static byte[] plain(int seq) {
        byte[] packet = new byte[12 + 20];
        ByteBuffer.wrap(packet).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(0xCAFEBABE)
                .putInt(0xDEADBEEF);
        for (int i = 0; i < 20; i++) {
            packet[12 + i] = (byte) i;
        }
        return packet;
    }

    private static byte[] protect(SrtpSender sender, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(64);
        packet.put(plain(seq)).flip();
        sender.protect(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }
}
