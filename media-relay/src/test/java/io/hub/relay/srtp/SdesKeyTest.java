package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SdesKeyTest {

    private static final String KEY = "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";

    @Test
    void anInlineKeyIsSixteenBytesOfKeyThenFourteenOfSalt() throws Exception {
        SdesKey key = SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY);
        byte[] material = Base64.getDecoder().decode(KEY.substring(7));

        assertEquals(material[0], key.masterKey()[0]);
        assertEquals(material[16], key.masterSalt()[0]);
        assertEquals(KEY, key.inline());
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 " + KEY, key.cryptoAttribute(1));
    }

    @Test
    void aLifetimeIsAcceptedInBothForms() throws Exception {
        assertEquals(SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY),
                SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY + "|2^31"));
        assertEquals(SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY),
                SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY + "|1048576"));
    }

    @Test
    void anMkiIsRefusedByName() {
        SdesKeyException e = assertThrows(SdesKeyException.class,
                () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY + "|2^20|1:4"));
        assertEquals("MKI is not supported: 1:4", e.getMessage());
        assertThrows(SdesKeyException.class, () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY + "|1:4"));
    }

    @Test
    void badLengthsAndEncodingsAreRefusedWithTheReason() {
        String shortKey = "inline:" + Base64.getEncoder().encodeToString(new byte[29]);
        assertEquals("inline key is 29 bytes, expected 30 (16 key + 14 salt)", assertThrows(SdesKeyException.class,
                () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_32, shortKey)).getMessage());
        assertEquals("key params must start with inline:", assertThrows(SdesKeyException.class,
                () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_32, "uri:sip:x")).getMessage());
        assertThrows(SdesKeyException.class, () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_32, "inline:!!!!"));
        assertThrows(SdesKeyException.class, () -> SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_32, KEY + "|x"));
        assertEquals("unsupported crypto suite F8_128_HMAC_SHA1_80",
                assertThrows(SdesKeyException.class, () -> SrtpSuite.forName("F8_128_HMAC_SHA1_80")).getMessage());
    }

    @Test
    void generatedKeysAreFreshAndParseBack() throws Exception {
        SdesKey one = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_32);
        SdesKey two = SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_32);

        assertNotEquals(one, two);
        assertEquals(one, SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_32, one.inline()));
        assertEquals("SdesKey[AES_CM_128_HMAC_SHA1_32]", one.toString(), "never the key itself");
    }
}
