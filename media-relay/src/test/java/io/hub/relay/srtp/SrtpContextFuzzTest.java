package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Packets as anyone on the relay's ports may send them: unprotect answers with a verdict, never an
 * exception, and never OK for a packet made without the key; what protect makes, unprotect with
 * the same key gives back.
 */
class SrtpContextFuzzTest {

    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    static {
        Arrays.fill(KEY, (byte) 7);
        Arrays.fill(SALT, (byte) 9);
    }

    @FuzzTest(maxDuration = "10m")
    void unprotectJudgesAnyPacketAndUndoesProtect(FuzzedDataProvider data) {
        SrtpSuite suite = data.consumeBoolean() ? SrtpSuite.AES_CM_128_HMAC_SHA1_80 : SrtpSuite.AES_CM_128_HMAC_SHA1_32;
        boolean rtcp = data.consumeBoolean();
        int offset = data.consumeInt(0, 8);
        byte[] packet = data.consumeRemainingAsBytes();
        SrtpContext receiver = new SrtpContext(new SdesKey(suite, KEY, SALT));

        byte[] room = new byte[offset + packet.length + 64];
        System.arraycopy(packet, 0, room, offset, packet.length);
        ByteBuffer forged = ByteBuffer.wrap(room, offset, packet.length).slice();
        Verdict verdict = rtcp ? receiver.unprotectRtcp(forged) : receiver.unprotectRtp(forged);
        assertNotEquals(Verdict.OK, verdict, "a packet made without the key is never accepted");

        SrtpContext sender = new SrtpContext(new SdesKey(suite, KEY, SALT));
        SrtpContext peer = new SrtpContext(new SdesKey(suite, KEY, SALT));
        ByteBuffer plain = ByteBuffer.wrap(Arrays.copyOf(packet, packet.length + 64), 0, packet.length);
        try {
            if (rtcp) {
                sender.protectRtcp(plain);
            } else {
                sender.protectRtp(plain);
            }
        } catch (IllegalArgumentException notRtp) {
            return;
        }
        Verdict back = rtcp ? peer.unprotectRtcp(plain) : peer.unprotectRtp(plain);
        assertEquals(Verdict.OK, back);
        assertArrayEquals(packet, Arrays.copyOfRange(plain.array(), plain.position(), plain.limit()));
    }
}
