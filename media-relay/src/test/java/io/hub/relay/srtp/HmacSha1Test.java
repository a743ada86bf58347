package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha1Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void matchesTheRfc2202Vectors() {
        assertEquals("b617318655057264e28bc0b6fb378c8ef146be00",
                hmac(repeat(0x0b, 20), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                hmac("Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("125d7342b9ac11cd91a39af48aa17b4f63f175d3", hmac(repeat(0xaa, 20), repeat(0xdd, 50)));
        assertEquals("aa4ae5e15272d00e95705637ce8a3b55ed402112", hmac(repeat(0xaa, 80),
                "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void givesWhatTheJdksMacGivesMessageAfterMessage() throws Exception {
        Random random = new Random(3);
        byte[] key = new byte[20];
        random.nextBytes(key);
        HmacSha1 ours = new HmacSha1(key);
        Mac jdk = Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] out = new byte[20];
        for (int length = 0; length < 300; length += 7) {
            byte[] message = new byte[length];
            random.nextBytes(message);

            ours.compute(message, 0, length, out);

            assertArrayEquals(jdk.doFinal(message), out, "message of " + length + " bytes");
        }
    }

    @Test
    void aTrailerCountsAsTheMessagesEnd() throws Exception {
        Random random = new Random(5);
        byte[] key = new byte[20];
        random.nextBytes(key);
        byte[] message = new byte[200];
        random.nextBytes(message);
        byte[] trailer = {1, 2, 3, 4, 5, 6};
        Mac jdk = Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(key, "HmacSHA1"));
        jdk.update(message, 10, 172);
        jdk.update(trailer, 0, 4);
        byte[] out = new byte[20];

        new HmacSha1(key).compute(message, 10, 172, trailer, 4, out);

        assertArrayEquals(jdk.doFinal(), out);
    }

    /** Keys taking turns on one thread share its digest and never each other's state. */
    @Test
    void keysTakingTurnsOnOneThreadEachGiveTheirOwn() throws Exception {
        Random random = new Random(7);
        HmacSha1[] ours = new HmacSha1[3];
        Mac[] jdk = new Mac[3];
        for (int k = 0; k < 3; k++) {
            byte[] key = new byte[20 + 30 * k];
            random.nextBytes(key);
            ours[k] = new HmacSha1(key);
            jdk[k] = Mac.getInstance("HmacSHA1");
            jdk[k].init(new SecretKeySpec(key, "HmacSHA1"));
        }
        byte[] out = new byte[20];
        for (int round = 0; round < 30; round++) {
            byte[] message = new byte[150 + round];
            random.nextBytes(message);
            int k = round % 3;

            ours[k].compute(message, 0, message.length, out);

            assertArrayEquals(jdk[k].doFinal(message), out, "round " + round + ", key " + k);
        }
    }

    /** A call that throws half-way (here: a range past the array) leaves nothing behind for the next. */
    @Test
    void aFailedCallDoesNotSpoilTheNext() throws Exception {
        byte[] key = repeat(0x0b, 20);
        HmacSha1 mac = new HmacSha1(key);
        byte[] message = "Hi There".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[20];

        assertThrows(IllegalArgumentException.class, () -> mac.compute(message, 0, message.length, new byte[2], 9,
                out));
        mac.compute(message, 0, message.length, out);

        assertEquals("b617318655057264e28bc0b6fb378c8ef146be00", HEX.formatHex(out));
    }

    private static String hmac(byte[] key, byte[] message) {
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[20];
        mac.compute(message, 0, message.length, out);
        return HEX.formatHex(out);
    }

    private static byte[] repeat(int value, int count) {
        byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
