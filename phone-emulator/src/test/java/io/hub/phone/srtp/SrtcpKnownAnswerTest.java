package io.hub.phone.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * SRTCP under the master key of RFC 3711 B.3: a receiver report of SSRC DEADBEEF with payload 00..07,
 * the first two of a sender (index 0 and 1). Expected bytes computed outside Java, as for SRTP.
 */
class SrtcpKnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final MasterKey KEY = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_32,
            HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139"), HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6"));
    private static final String PLAIN = "80C90001DEADBEEF0001020304050607";
    static final String INDEX_0 = "80C90001DEADBEEF63C82F10406BA04A80000000275AF36212B134D3C8B9";
    static final String INDEX_1 = "80C90001DEADBEEF1FFB1796830A8B8B80000001E3BAD2D2AF441CBDB412";

    @Test
    void aSenderNumbersItsPacketsFromZeroWithTheEFlagAndAnEightyBitTagInEitherSuite() {
        Srtcp sender = new Srtcp(KEY);
        assertEquals(INDEX_0, protect(sender));
        assertEquals(INDEX_1, protect(sender));
    }

    @Test
    void theKnownPacketsUnprotectAndATamperedOneDoesNot() {
        Srtcp receiver = new Srtcp(KEY);
        for (String known : new String[] {INDEX_1, INDEX_0}) {
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(known));
            assertEquals(SrtpReceiver.Result.OK, receiver.unprotect(packet));
            assertEquals(PLAIN, HEX.formatHex(Arrays.copyOf(packet.array(), packet.limit())));
        }
        byte[] tampered = HEX.parseHex(INDEX_0);
        tampered[10] ^= 1;
        assertEquals(SrtpReceiver.Result.AUTH_FAILED, receiver.unprotect(ByteBuffer.wrap(tampered)));
        assertArrayEquals(HEX.parseHex(INDEX_0.substring(0, 20)), Arrays.copyOf(tampered, 10));
        assertEquals(SrtpReceiver.Result.MALFORMED, receiver.unprotect(ByteBuffer.wrap(new byte[21])));
    }

    private static String protect(Srtcp sender) {
        ByteBuffer packet = ByteBuffer.allocate(64).put(HEX.parseHex(PLAIN)).flip();
        sender.protect(packet);
        return HEX.formatHex(Arrays.copyOf(packet.array(), packet.limit()));
    }
}
