package io.hub.phone.srtp;

import static io.hub.phone.srtp.SrtpVectors.HEX;
import static io.hub.phone.srtp.SrtpVectors.RTCP_INDEX_0;
import static io.hub.phone.srtp.SrtpVectors.RTCP_INDEX_1;
import static io.hub.phone.srtp.SrtpVectors.RTCP_PLAIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The phone's SRTCP on whole packets: the {@link SrtpVectors}' receiver report, a sender's first two. */
class SrtcpKnownAnswerTest {

    private static final MasterKey KEY = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_32,
            HEX.parseHex(SrtpVectors.MASTER_KEY), HEX.parseHex(SrtpVectors.MASTER_SALT));

    @Test
    void aSenderNumbersItsPacketsFromZeroWithTheEFlagAndAnEightyBitTagInEitherSuite() {
        Srtcp sender = new Srtcp(KEY);
        assertEquals(RTCP_INDEX_0, protect(sender));
        assertEquals(RTCP_INDEX_1, protect(sender));
    }

    @Test
    void theKnownPacketsUnprotectAndATamperedOneDoesNot() {
        Srtcp receiver = new Srtcp(KEY);
        for (String known : new String[] {RTCP_INDEX_1, RTCP_INDEX_0}) {
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(known));
            assertEquals(SrtpReceiver.Result.OK, receiver.unprotect(packet));
            assertEquals(RTCP_PLAIN, HEX.formatHex(Arrays.copyOf(packet.array(), packet.limit())));
        }
        byte[] tampered = HEX.parseHex(RTCP_INDEX_0);
        tampered[10] ^= 1;
        assertEquals(SrtpReceiver.Result.AUTH_FAILED, receiver.unprotect(ByteBuffer.wrap(tampered)));
        assertArrayEquals(HEX.parseHex(RTCP_INDEX_0.substring(0, 20)), Arrays.copyOf(tampered, 10));
        assertEquals(SrtpReceiver.Result.MALFORMED, receiver.unprotect(ByteBuffer.wrap(new byte[21])));
    }

    private static String protect(Srtcp sender) {
        ByteBuffer packet = ByteBuffer.allocate(64).put(HEX.parseHex(RTCP_PLAIN)).flip();
        sender.protect(packet);
        return HEX.formatHex(Arrays.copyOf(packet.array(), packet.limit()));
    }
}
