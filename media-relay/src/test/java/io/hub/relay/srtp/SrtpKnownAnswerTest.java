package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.Srtcp;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import io.hub.relay.FakePhone;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Whole SRTP packets, byte for byte: under the master key and salt of RFC 3711 B.3, SSRC DEADBEEF,
 * timestamp CAFEBABE, payload 00..13. The expected bytes were computed outside Java from the
 * appendix's session keys with AES-CTR and HMAC-SHA1 (the phone emulator's test holds the same
 * vectors); then the relay's context and the emulator's independent SRTP read each other's packets.
 */
class SrtpKnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final byte[] MASTER_KEY = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");
    /** Sequence 1234, rollover count 0: header, encrypted payload, 80-bit tag. */
    private static final String SEQ_1234 = "80001234CAFEBABEDEADBEEF1E162DED720B403A2A241E308709EA43D8088BC5"
            + "AC5F18161078DB44360B";
    /** Sequence FFFF, the last of rollover count 0. */
    private static final String SEQ_FFFF = "8000FFFFCAFEBABEDEADBEEFBC2343396E43953A1A885039CE8C4E4C37FAEADA"
            + "E09D296227F152E9128E";
    /** Sequence 0000 after FFFF: rollover count 1, in the counter block and under the tag. */
    private static final String SEQ_0000_ROC_1 = "80000000CAFEBABEDEADBEEF491DD5A221C3259D77E117B2464CBE5B4D5AEE3F"
            + "DE66670A0C15391B5BFE";

    /** A receiver report of SSRC DEADBEEF, payload 00..07, and its first SRTCP packet under that key. */
    private static final String RTCP_PLAIN = "80C90001DEADBEEF0001020304050607";
    private static final String RTCP_INDEX_0 = "80C90001DEADBEEF63C82F10406BA04A80000000275AF36212B134D3C8B9";

    @Test
    void theRelayProtectsAPacketToTheKnownBytes() {
        assertEquals(SEQ_1234, HEX.formatHex(protect(new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80)),
                0x1234)));
    }

    @Test
    void theRelayCarriesTheRolloverCountIntoCounterAndTagAfterAWrap() {
        SrtpContext sender = new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        assertEquals(SEQ_FFFF, HEX.formatHex(protect(sender, 0xffff)));
        assertEquals(SEQ_0000_ROC_1, HEX.formatHex(protect(sender, 0x0000)));
    }

    @Test
    void theRelaysThirtyTwoBitTagIsTheFirstFourBytes() {
        assertEquals(SEQ_1234.substring(0, SEQ_1234.length() - 12), HEX.formatHex(protect(
                new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_32)), 0x1234)));
    }

    @Test
    void theRelayUnprotectsTheKnownPacketsToThePlainOnes() {
        SrtpContext receiver = new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        for (String known : new String[] {SEQ_FFFF, SEQ_0000_ROC_1}) {
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(known));
            int seq = packet.getShort(2) & 0xffff;

            assertEquals(Verdict.OK, receiver.unprotectRtp(packet));
            assertArrayEquals(plain(seq), Arrays.copyOf(packet.array(), packet.limit()));
        }
        assertEquals(1, receiver.rolloverCounter(0xDEADBEEF));
    }

    @ParameterizedTest
    @EnumSource(SrtpSuite.class)
    void theEmulatorsPacketsAuthenticateAtTheRelayAcrossAWrap(SrtpSuite suite) {
        SdesKey key = SdesKey.generate(suite);
        SrtpSender phone = new SrtpSender(phoneKey(key));
        SrtpContext relay = new SrtpContext(key);
        for (int i = 0; i < 40; i++) {
            int seq = (0xffec + i) & 0xffff;
            ByteBuffer packet = ByteBuffer.allocate(64).put(plain(seq)).flip();
            phone.protect(packet);

            assertEquals(Verdict.OK, relay.unprotectRtp(packet), "seq " + seq);
            assertArrayEquals(plain(seq), Arrays.copyOf(packet.array(), packet.limit()));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpSuite.class)
    void theRelaysPacketsAuthenticateAtTheEmulatorAcrossAWrap(SrtpSuite suite) {
        SdesKey key = SdesKey.generate(suite);
        SrtpContext relay = new SrtpContext(key);
        SrtpReceiver phone = new SrtpReceiver(phoneKey(key));
        for (int i = 0; i < 40; i++) {
            int seq = (0xffec + i) & 0xffff;
            ByteBuffer packet = ByteBuffer.allocate(64).put(plain(seq)).flip();
            relay.protectRtp(packet);

            assertEquals(SrtpReceiver.Result.OK, phone.unprotect(packet), "seq " + seq);
            assertArrayEquals(plain(seq), Arrays.copyOf(packet.array(), packet.limit()));
        }
    }

    @Test
    void aPacketUnderAnotherKeyIsRefusedByBothSides() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        ByteBuffer fromPhone = ByteBuffer.allocate(64).put(plain(7)).flip();
        new SrtpSender(MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80)).protect(fromPhone);
        assertEquals(Verdict.AUTH_FAILED, new SrtpContext(key).unprotectRtp(fromPhone));

        ByteBuffer fromRelay = ByteBuffer.allocate(64).put(plain(7)).flip();
        new SrtpContext(SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80)).protectRtp(fromRelay);
        assertEquals(SrtpReceiver.Result.AUTH_FAILED, new SrtpReceiver(phoneKey(key)).unprotect(fromRelay));
    }

    @Test
    void theRelaysSrtcpIsTheKnownOneAndReadsBothWaysWithTheEmulators() {
        SdesKey key = hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_32);
        SrtpContext relay = new SrtpContext(key);
        ByteBuffer report = ByteBuffer.allocate(64).put(HEX.parseHex(RTCP_PLAIN)).flip();
        relay.protectRtcp(report);
        assertEquals(RTCP_INDEX_0, HEX.formatHex(Arrays.copyOf(report.array(), report.limit())),
                "the E flag, index 0 and an 80-bit tag even in the 32-bit suite");

        Srtcp phone = new Srtcp(phoneKey(key));
        assertEquals(SrtpReceiver.Result.OK, phone.unprotect(report));
        assertEquals(RTCP_PLAIN, HEX.formatHex(Arrays.copyOf(report.array(), report.limit())));

        ByteBuffer fromPhone = ByteBuffer.allocate(64).put(HEX.parseHex(RTCP_PLAIN)).flip();
        phone.protect(fromPhone);
        assertEquals(Verdict.OK, new SrtpContext(key).unprotectRtcp(fromPhone));
        assertEquals(RTCP_PLAIN, HEX.formatHex(Arrays.copyOf(fromPhone.array(), fromPhone.limit())));
    }

    private static SdesKey hubKey(SrtpSuite suite) {
        return new SdesKey(suite, MASTER_KEY, MASTER_SALT);
    }

    /** The same key as the emulator holds it: read from the a=crypto key params the relay would write. */
    private static MasterKey phoneKey(SdesKey key) {
        return FakePhone.asPhones(key);
    }

    private static byte[] plain(int seq) {
        byte[] packet = new byte[12 + 20];
        ByteBuffer.wrap(packet).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(0xCAFEBABE)
                .putInt(0xDEADBEEF);
        for (int i = 0; i < 20; i++) {
            packet[12 + i] = (byte) i;
        }
        return packet;
    }

    private static byte[] protect(SrtpContext sender, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(64).put(plain(seq)).flip();
        sender.protectRtp(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }
}
