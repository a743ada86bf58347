package io.hub.phone.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The phone's AES-CM and key derivation against the test vectors of RFC 3711 Appendix B. */
class Rfc3711VectorsTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void theCounterModeKeystreamIsThatOfAppendixB2() {
        byte[] keystream = new CounterMode(HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C"))
                .keystream(HEX.parseHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), 0xff02 * 16);

        assertEquals("E03EAD0935C95E80E166B16DD92B4EB4", block(keystream, 0x0000));
        assertEquals("D23513162B02D0F72A43A2FE4A5F97AB", block(keystream, 0x0001));
        assertEquals("41E95B3BB0A2E8DD477901E4FCA894C0", block(keystream, 0x0002));
        assertEquals("EC8CDF7398607CB0F2D21675EA9EA1E4", block(keystream, 0xfeff));
        assertEquals("362B7C3C6773516318A077D7FC5073AE", block(keystream, 0xff00));
        assertEquals("6A2CC3787889374FBEB4C81B17BA6C44", block(keystream, 0xff01));
    }

    @Test
    void theSessionKeysAreThoseOfAppendixB3() {
        MasterKey master = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80,
                HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139"), HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6"));

        SessionKeys keys = SessionKeys.forRtp(master);

        assertEquals("C61E7A93744F39EE10734AFE3FF7A087", HEX.formatHex(keys.encryption()));
        assertEquals("30CBBC08863D8C85D49DB34A9AE1", HEX.formatHex(keys.salt()));
        assertEquals("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", HEX.formatHex(keys.authentication()));
        assertEquals("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"
                        + "8F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
                        + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E47403576"
                        + "6B68642C59BBFC2F34DB60DBDFB2",
                HEX.formatHex(SessionKeys.derive(master.key(), master.salt(), SessionKeys.RTP_AUTHENTICATION, 94)),
                "the whole 94 bytes of the appendix");
    }

    private static String block(byte[] keystream, int counter) {
        return HEX.formatHex(Arrays.copyOfRange(keystream, counter * 16, counter * 16 + 16));
    }
}
