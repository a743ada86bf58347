package io.hub.phone.srtp;

import static io.hub.phone.srtp.SrtpVectors.HEX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The phone's AES-CM and key derivation against the test vectors of RFC 3711 Appendix B. */
class Rfc3711VectorsTest {

    @Test
    void theCounterModeKeystreamIsThatOfAppendixB2() {
        byte[] keystream = new CounterMode(HEX.parseHex(SrtpVectors.B2_KEY))
                .keystream(HEX.parseHex(SrtpVectors.B2_COUNTER), 0xff02 * 16);

        for (int i = 0; i < SrtpVectors.B2_BLOCKS.length; i++) {
            int block = SrtpVectors.B2_BLOCK_NUMBERS[i];
            assertEquals(SrtpVectors.B2_BLOCKS[i], HEX.formatHex(Arrays.copyOfRange(keystream, block * 16,
                    block * 16 + 16)), "block " + Integer.toHexString(block));
        }
    }

    @Test
    void theSessionKeysAreThoseOfAppendixB3() {
        MasterKey master = new MasterKey(CryptoSuite.AES_CM_128_HMAC_SHA1_80, HEX.parseHex(SrtpVectors.MASTER_KEY),
                HEX.parseHex(SrtpVectors.MASTER_SALT));

        SessionKeys keys = SessionKeys.forRtp(master);

        assertEquals(SrtpVectors.B3_ENCRYPTION, HEX.formatHex(keys.encryption()));
        assertEquals(SrtpVectors.B3_SALT, HEX.formatHex(keys.salt()));
        assertEquals(SrtpVectors.B3_AUTHENTICATION_94.substring(0, 40), HEX.formatHex(keys.authentication()));
        assertEquals(SrtpVectors.B3_AUTHENTICATION_94, HEX.formatHex(SessionKeys.derive(master.key(), master.salt(),
                SessionKeys.RTP_AUTHENTICATION, 94)), "the whole 94 bytes of the appendix");
    }
}
