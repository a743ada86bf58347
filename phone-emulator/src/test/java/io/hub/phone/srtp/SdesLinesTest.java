package io.hub.phone.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The {@code a=crypto} line and its inline key (RFC 4568), both ways. */
class SdesLinesTest {

    /** RFC 4568 §9.1's example key: 30 bytes of base64. */
    private static final String RFC_KEY = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";

    @Test
    void aLineReadsIntoTagSuiteKeyAndSessionParameters() throws SdesException {
        CryptoLine line = CryptoLine.parse("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
                + "|2^20 KDR=1 UNENCRYPTED_SRTCP");

        assertEquals(1, line.tag());
        assertEquals("AES_CM_128_HMAC_SHA1_80", line.suite());
        assertEquals("KDR=1 UNENCRYPTED_SRTCP", line.sessionParams());
        assertTrue(line.isSupported());
        assertEquals(HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(
                "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")).substring(0, 32), HexFormat.of().formatHex(line.key().key()));
    }

    @Test
    void aKeyFormatsAsItReads() throws SdesException {
        MasterKey key = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_32);
        CryptoLine line = CryptoLine.of(7, key);

        CryptoLine again = CryptoLine.parse(line.format());

        assertEquals(line, again);
        assertNull(again.sessionParams());
        assertEquals(key, again.key());
        assertArrayEquals(key.salt(), again.key().salt());
        assertFalse(key.toString().contains(key.inline().substring(7, 20)), "toString keeps the key out of logs");
    }

    @Test
    void badLinesAndKeysAreRefusedSayingWhy() throws SdesException {
        assertThrows(SdesException.class, () -> CryptoLine.parse("1 AES_CM_128_HMAC_SHA1_80"));
        assertThrows(SdesException.class, () -> CryptoLine.parse("x AES_CM_128_HMAC_SHA1_80 inline:AAAA"));
        assertThrows(SdesException.class, () -> CryptoLine.parse("1234567890 AES_CM_128_HMAC_SHA1_80 inline:AAAA"));
        assertFalse(CryptoLine.parse("1 F8_128_HMAC_SHA1_80 inline:AAAA").isSupported());
        assertEquals("unsupported crypto suite F8_128_HMAC_SHA1_80", assertThrows(SdesException.class,
                () -> CryptoLine.parse("1 F8_128_HMAC_SHA1_80 inline:AAAA").key()).getMessage());

        CryptoSuite suite = CryptoSuite.AES_CM_128_HMAC_SHA1_80;
        assertEquals("an MKI is not supported: 1:32", assertThrows(SdesException.class,
                () -> MasterKey.fromKeyParams(suite, RFC_KEY)).getMessage());
        assertEquals("the inline key is 9 bytes, not 30 (16 key + 14 salt)", assertThrows(SdesException.class,
                () -> MasterKey.fromKeyParams(suite, "inline:dG9vIHNob3J0")).getMessage());
        assertThrows(SdesException.class, () -> MasterKey.fromKeyParams(suite, "inline:!!!"));
        assertThrows(SdesException.class, () -> MasterKey.fromKeyParams(suite, "uri:https://example.test/key"));
        assertThrows(SdesException.class, () -> MasterKey.fromKeyParams(suite,
                "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|forever"));
    }
}
