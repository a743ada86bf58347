package io.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PacketKindTest {

    @Test
    void theFirstByteTellsStunDtlsAndMediaApartAsRfc7983Says() {
        for (int b = 0; b < 256; b++) {
            PacketKind expected = b <= 3 ? PacketKind.STUN : b >= 20 && b <= 63 ? PacketKind.DTLS
                    : b >= 128 && b <= 191 ? PacketKind.MEDIA : PacketKind.OTHER;
            assertEquals(expected, PacketKind.of(b), "first byte " + b);
        }
        assertEquals(PacketKind.DTLS, PacketKind.of(22), "a DTLS handshake record");
        assertEquals(PacketKind.MEDIA, PacketKind.of((byte) 0x80), "RTP version 2 as a signed byte");
        assertEquals(PacketKind.OTHER, PacketKind.of(16), "ZRTP is not taken");
        assertEquals(PacketKind.OTHER, PacketKind.of(64), "a TURN channel is not taken");
    }
}
