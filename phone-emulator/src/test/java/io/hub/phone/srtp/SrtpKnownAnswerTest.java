package io.hub.phone.srtp;

import static io.hub.phone.srtp.SrtpVectors.HEX;
import static io.hub.phone.srtp.SrtpVectors.SEQ_0000_ROC_1;
import static io.hub.phone.srtp.SrtpVectors.SEQ_1234;
import static io.hub.phone.srtp.SrtpVectors.SEQ_FFFF;
import static io.hub.phone.srtp.SrtpVectors.plainRtp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The phone's SRTP on whole packets: the {@link SrtpVectors}, byte for byte. */
class SrtpKnownAnswerTest {

    private static final MasterKey KEY_80 = key(CryptoSuite.AES_CM_128_HMAC_SHA1_80);

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
        assertEquals(SrtpVectors.withTag(SEQ_1234, 4), HEX.formatHex(protect(new SrtpSender(
                key(CryptoSuite.AES_CM_128_HMAC_SHA1_32)), 0x1234)));
    }

    @ParameterizedTest
    @EnumSource(CryptoSuite.class)
    void theKnownPacketsUnprotectToThePlainOnesInOrderAcrossTheWrap(CryptoSuite suite) {
        SrtpReceiver receiver = new SrtpReceiver(key(suite));
        for (String known : new String[] {SEQ_FFFF, SEQ_0000_ROC_1}) {
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(SrtpVectors.withTag(known, suite.tagLength())));
            int seq = packet.getShort(2) & 0xffff;

            assertEquals(SrtpReceiver.Result.OK, receiver.unprotect(packet));
            assertArrayEquals(plainRtp(seq), Arrays.copyOf(packet.array(), packet.limit()));
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
        assertThrows(IllegalArgumentException.class, () -> new SrtpSender(KEY_80).protect(ByteBuffer.wrap(
                plainRtp(1))), "no room for the tag");
    }

    private static MasterKey key(CryptoSuite suite) {
        return new MasterKey(suite, HEX.parseHex(SrtpVectors.MASTER_KEY), HEX.parseHex(SrtpVectors.MASTER_SALT));
    }

    private static byte[] protect(SrtpSender sender, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(64).put(plainRtp(seq)).flip();
        sender.protect(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }
}
