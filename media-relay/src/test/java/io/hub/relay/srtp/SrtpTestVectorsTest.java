package io.hub.relay.srtp;

import static io.hub.phone.srtp.SrtpVectors.HEX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.phone.srtp.SrtpVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The relay's AES-CM and key derivation against the test vectors of RFC 3711 Appendix B, byte for byte. */
class SrtpTestVectorsTest {

    @Test
    void aesCounterModeKeystreamMatchesAppendixB2() {
        byte[] keystream = new byte[0xff02 * 16];
        new AesCounterMode(HEX.parseHex(SrtpVectors.B2_KEY)).apply(HEX.parseHex(SrtpVectors.B2_COUNTER), keystream, 0,
                keystream.length);

        for (int i = 0; i < SrtpVectors.B2_BLOCKS.length; i++) {
            int block = SrtpVectors.B2_BLOCK_NUMBERS[i];
            assertEquals(SrtpVectors.B2_BLOCKS[i], HEX.formatHex(Arrays.copyOfRange(keystream, block * 16,
                    block * 16 + 16)), "block " + Integer.toHexString(block));
        }
    }

    @Test
    void keyDerivationMatchesAppendixB3() {
        byte[] masterKey = HEX.parseHex(SrtpVectors.MASTER_KEY);
        byte[] masterSalt = HEX.parseHex(SrtpVectors.MASTER_SALT);

        assertEquals(SrtpVectors.B3_ENCRYPTION,
                HEX.formatHex(KeyDerivation.derive(masterKey, masterSalt, KeyDerivation.RTP_ENCRYPTION, 16)));
        assertEquals(SrtpVectors.B3_SALT,
                HEX.formatHex(KeyDerivation.derive(masterKey, masterSalt, KeyDerivation.RTP_SALT, 14)));
        assertEquals(SrtpVectors.B3_AUTHENTICATION_94,
                HEX.formatHex(KeyDerivation.derive(masterKey, masterSalt, KeyDerivation.RTP_AUTH, 94)));
    }
}
