package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

            ours.update(message, 0, length);
            ours.doFinal(out);

            assertArrayEquals(jdk.doFinal(message), out, "message of " + length + " bytes");
        }
    }

    private static String hmac(byte[] key, byte[] message) {
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[20];
        mac.update(message, 0, message.length);
        mac.doFinal(out);
        return HEX.formatHex(out);
    }

    private static byte[] repeat(int value, int count) {
        byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
