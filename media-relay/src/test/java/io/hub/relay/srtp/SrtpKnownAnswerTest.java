package io.hub.relay.srtp;

import static io.hub.phone.srtp.SrtpVectors.HEX;
import static io.hub.phone.srtp.SrtpVectors.RTCP_INDEX_0;
import static io.hub.phone.srtp.SrtpVectors.RTCP_PLAIN;
import static io.hub.phone.srtp.SrtpVectors.SEQ_0000_ROC_1;
import static io.hub.phone.srtp.SrtpVectors.SEQ_1234;
import static io.hub.phone.srtp.SrtpVectors.SEQ_FFFF;
import static io.hub.phone.srtp.SrtpVectors.plainRtp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.Srtcp;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import io.hub.phone.srtp.SrtpVectors;
import io.hub.relay.FakePhone;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Whole SRTP and SRTCP packets, byte for byte: the relay's context against the {@link SrtpVectors}
 * (computed outside Java; the emulator's SRTP is checked against the same), then the relay and the
 * emulator's independent SRTP read each other's packets.
 */
class SrtpKnownAnswerTest {

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
        assertEquals(SrtpVectors.withTag(SEQ_1234, 4), HEX.formatHex(protect(
                new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_32)), 0x1234)));
    }

    @Test
    void theRelayUnprotectsTheKnownPacketsToThePlainOnes() {
        SrtpContext receiver = new SrtpContext(hubKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        for (String known : new String[] {SEQ_FFFF, SEQ_0000_ROC_1}) {
            ByteBuffer packet = ByteBuffer.wrap(HEX.parseHex(known));
            int seq = packet.getShort(2) & 0xffff;

            assertEquals(Verdict.OK, receiver.unprotectRtp(packet));
            assertArrayEquals(plainRtp(seq), Arrays.copyOf(packet.array(), packet.limit()));
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
            ByteBuffer packet = ByteBuffer.allocate(64).put(plainRtp(seq)).flip();
            phone.protect(packet);

            assertEquals(Verdict.OK, relay.unprotectRtp(packet), "seq " + seq);
            assertArrayEquals(plainRtp(seq), Arrays.copyOf(packet.array(), packet.limit()));
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
            ByteBuffer packet = ByteBuffer.allocate(64).put(plainRtp(seq)).flip();
            relay.protectRtp(packet);

            assertEquals(SrtpReceiver.Result.OK, phone.unprotect(packet), "seq " + seq);
            assertArrayEquals(plainRtp(seq), Arrays.copyOf(packet.array(), packet.limit()));
        }
    }

    @Test
    void aPacketUnderAnotherKeyIsRefusedByBothSides() {
        SdesKey key = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        ByteBuffer fromPhone = ByteBuffer.allocate(64).put(plainRtp(7)).flip();
        new SrtpSender(MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80)).protect(fromPhone);
        assertEquals(Verdict.AUTH_FAILED, new SrtpContext(key).unprotectRtp(fromPhone));

        ByteBuffer fromRelay = ByteBuffer.allocate(64).put(plainRtp(7)).flip();
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
        return new SdesKey(suite, HEX.parseHex(SrtpVectors.MASTER_KEY), HEX.parseHex(SrtpVectors.MASTER_SALT));
    }

    /** The same key as the emulator holds it: read from the a=crypto key params the relay would write. */
    private static MasterKey phoneKey(SdesKey key) {
        return FakePhone.asPhones(key);
    }

    private static byte[] protect(SrtpContext sender, int seq) {
        ByteBuffer packet = ByteBuffer.allocate(64).put(plainRtp(seq)).flip();
        sender.protectRtp(packet);
        return Arrays.copyOf(packet.array(), packet.limit());
    }
}
