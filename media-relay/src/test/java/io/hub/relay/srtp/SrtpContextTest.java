package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpContextTest {

    private static final int SSRC = 0x1234_5678;

    @ParameterizedTest
    @EnumSource(SrtpSuite.class)
    void anRtpPacketSurvivesProtectAndUnprotectWithTheSuitesTag(SrtpSuite suite) {
        SdesKey key = SdesKey.generate(suite);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer packet = rtp(1000, 160_000, payload(160, 7));
        byte[] plain = bytes(packet);

        sender.protectRtp(packet);
        assertEquals(12 + 160 + suite.rtpTagLength(), packet.remaining());
        assertFalse(Arrays.equals(Arrays.copyOfRange(plain, 12, 172), Arrays.copyOfRange(bytes(packet), 12, 172)),
                "the payload is encrypted");
        assertArrayEquals(Arrays.copyOf(plain, 12), Arrays.copyOf(bytes(packet), 12), "the header stays clear");

        assertEquals(Verdict.OK, receiver.unprotectRtp(packet));
        assertArrayEquals(plain, bytes(packet));
    }

    @ParameterizedTest
    @EnumSource(SrtpSuite.class)
    void anRtcpPacketSurvivesProtectAndUnprotectWithAnEightyBitTag(SrtpSuite suite) {
        SdesKey key = SdesKey.generate(suite);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer packet = rtcp(payload(20, 3));
        byte[] plain = bytes(packet);

        sender.protectRtcp(packet);
        assertEquals(plain.length + 4 + 10, packet.remaining());

        assertEquals(Verdict.OK, receiver.unprotectRtcp(packet));
        assertArrayEquals(plain, bytes(packet));
    }

    @Test
    void aFlippedBitAnywhereIsRefusedAndLeavesThePacketAlone() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        for (int bit : new int[] {8 * 3, 8 * 50 + 1, 8 * 175 + 7}) {
            ByteBuffer packet = rtp(bit, 0, payload(160, 1));
            sender.protectRtp(packet);
            packet.array()[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] tampered = bytes(packet);

            assertEquals(Verdict.AUTH_FAILED, receiver.unprotectRtp(packet), "bit " + bit);
            assertArrayEquals(tampered, bytes(packet), "not decrypted");
        }
    }

    @Test
    void aSenderThatRestartsItsSequenceNumbersNeverHasAnIndexEncryptedTwice() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext relay = new SrtpContext(key);
        SrtpContext phone = new SrtpContext(key);
        for (int seq = 1; seq <= 40_000; seq++) {
            assertTrue(relay.protectRtp(rtp(seq, seq * 160, payload(20, seq))));
        }
        // The phone behind the other leg re-keyed and started again from 20000 in the same SSRC:
        // under the key this leg keeps, index 20000 already carried other audio.
        ByteBuffer restarted = rtp(20_000, 0, payload(20, 7));
        byte[] before = bytes(restarted);

        assertFalse(relay.protectRtp(restarted), "an index sent once is never encrypted again");
        assertArrayEquals(before, bytes(restarted), "the packet is left as it was");
        ByteBuffer sentAgain = rtp(39_999, 0, payload(20, 8));
        assertFalse(relay.protectRtp(sentAgain), "nor one just behind the highest");
        ByteBuffer late = rtp(40_001, 0, payload(20, 9));
        assertTrue(relay.protectRtp(late), "new indices go on");
        assertEquals(Verdict.OK, phone.unprotectRtp(late));
        ByteBuffer reordered = rtp(39_990, 0, payload(20, 10));
        assertFalse(relay.protectRtp(reordered), "39990 was sent already, inside the window too");
    }

    @Test
    void aPacketUnderAnotherKeyIsRefused() {
        SrtpContext sender = new SrtpContext(SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_32));
        SrtpContext receiver = new SrtpContext(SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_32));
        ByteBuffer packet = rtp(1, 0, payload(160, 1));
        sender.protectRtp(packet);

        assertEquals(Verdict.AUTH_FAILED, receiver.unprotectRtp(packet));
    }

    @Test
    void aReplayedPacketIsRefusedButALateOneInsideTheWindowIsNot() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer[] sent = new ByteBuffer[100];
        for (int seq = 0; seq < 100; seq++) {
            sent[seq] = rtp(seq, seq * 160, payload(160, seq));
            sender.protectRtp(sent[seq]);
        }
        byte[] first = bytes(sent[10]);

        assertEquals(Verdict.OK, receiver.unprotectRtp(sent[10]));
        assertEquals(Verdict.REPLAYED, receiver.unprotectRtp(ByteBuffer.wrap(first.clone())));
        assertEquals(Verdict.OK, receiver.unprotectRtp(sent[70]));
        assertEquals(Verdict.OK, receiver.unprotectRtp(sent[40]), "late but inside 64 packets");
        assertEquals(Verdict.OK, receiver.unprotectRtp(sent[99]));
        assertEquals(Verdict.REPLAYED, receiver.unprotectRtp(sent[20]), "79 behind the highest: too old");
    }

    @Test
    void theRolloverCounterFollowsTheSequenceNumberAcrossItsWrap() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        int seq = 65530;
        for (int i = 0; i < 12; i++, seq = (seq + 1) & 0xffff) {
            ByteBuffer packet = rtp(seq, i * 160, payload(160, i));
            byte[] plain = bytes(packet);
            sender.protectRtp(packet);
            assertEquals(Verdict.OK, receiver.unprotectRtp(packet), "sequence " + seq);
            assertArrayEquals(plain, bytes(packet));
        }
        assertEquals(1, sender.rolloverCounter(SSRC));
        assertEquals(1, receiver.rolloverCounter(SSRC));
    }

    @Test
    void aPacketReorderedAcrossTheWrapIsAuthenticatedWithThePreviousRolloverCounter() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer before = rtp(65534, 0, payload(160, 1));
        ByteBuffer late = rtp(65535, 160, payload(160, 2));
        ByteBuffer after = rtp(1, 480, payload(160, 3));
        sender.protectRtp(before);
        sender.protectRtp(late);
        sender.protectRtp(after);

        assertEquals(Verdict.OK, receiver.unprotectRtp(before));
        assertEquals(Verdict.OK, receiver.unprotectRtp(after));
        assertEquals(Verdict.OK, receiver.unprotectRtp(late), "ROC 0 for 65535 after ROC 1 started");
        assertEquals(1, receiver.rolloverCounter(SSRC));
    }

    @Test
    void theSrtcpIndexCountsFromZeroAndIsReplayChecked() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer[] sent = new ByteBuffer[3];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = rtcp(payload(20, i));
            int plainLength = sent[i].remaining();
            sender.protectRtcp(sent[i]);
            int word = SrtpContext.i32(sent[i].array(), plainLength);
            assertEquals(0x8000_0000 | i, word, "E flag and index " + i);
        }
        byte[] copy = bytes(sent[1]);

        assertEquals(Verdict.OK, receiver.unprotectRtcp(sent[1]));
        assertEquals(Verdict.REPLAYED, receiver.unprotectRtcp(ByteBuffer.wrap(copy)));
        assertEquals(Verdict.OK, receiver.unprotectRtcp(sent[0]));
        assertEquals(Verdict.OK, receiver.unprotectRtcp(sent[2]));
    }

    @Test
    void aTamperedSrtcpIndexFailsAuthentication() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_32);
        SrtpContext sender = new SrtpContext(key);
        SrtpContext receiver = new SrtpContext(key);
        ByteBuffer packet = rtcp(payload(20, 0));
        int plainLength = packet.remaining();
        sender.protectRtcp(packet);
        packet.array()[plainLength + 3] ^= 1;

        assertEquals(Verdict.AUTH_FAILED, receiver.unprotectRtcp(packet));
    }

    @Test
    void truncatedAndForeignPacketsAreMalformedNotExceptions() {
        SrtpContext receiver = new SrtpContext(SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80));

        assertEquals(Verdict.MALFORMED, receiver.unprotectRtp(ByteBuffer.wrap(new byte[15])));
        assertEquals(Verdict.MALFORMED, receiver.unprotectRtp(ByteBuffer.wrap(new byte[] {0x00, 1, 2, 3, 4, 5, 6, 7,
            8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})));
        byte[] lyingExtension = new byte[40];
        lyingExtension[0] = (byte) 0x90;
        lyingExtension[14] = (byte) 0xff;
        assertEquals(Verdict.MALFORMED, receiver.unprotectRtp(ByteBuffer.wrap(lyingExtension)));
        assertEquals(Verdict.MALFORMED, receiver.unprotectRtcp(ByteBuffer.wrap(new byte[21])));
    }

    @Test
    void protectRefusesABufferWithoutRoomForTheTag() {
        SrtpContext sender = new SrtpContext(SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        ByteBuffer full = ByteBuffer.wrap(Arrays.copyOf(bytes(rtp(1, 0, payload(10, 0))), 22));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sender.protectRtp(full));
        assertEquals("need a heap buffer with 10 bytes past the packet", e.getMessage());
    }

    static ByteBuffer rtp(int seq, int timestamp, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length + 64);
        b.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(timestamp).putInt(SSRC).put(payload);
        return b.flip();
    }

    static ByteBuffer rtcp(byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + 64);
        b.put((byte) 0x80).put((byte) 200).putShort((short) ((8 + body.length) / 4 - 1)).putInt(SSRC).put(body);
        return b.flip();
    }

    static byte[] payload(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seed * 31 + i);
        }
        return p;
    }

    static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOfRange(b.array(), b.position(), b.limit());
    }
}
