package io.hub.phone.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AudioStreamTest {

    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1/127\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/SAVP 0 101\r\nc=IN IP4 127.0.0.9\r\n"
            + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"
            + "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20\r\n"
            + "m=audio 40002 RTP/SAVP 8\r\na=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n";

    @Test
    void theFirstAudioStreamGivesAddressPortProtocolAndCryptoLinesInOrder() throws SdpException {
        AudioStream audio = AudioStream.read(OFFER);

        assertEquals("127.0.0.9", audio.address(), "a media-level c= wins over the session's");
        assertEquals(40000, audio.port());
        assertTrue(audio.isSrtp());
        assertEquals(List.of(1, 2), audio.cryptos().stream().map(c -> c.tag()).toList());
        assertEquals("2^20", audio.cryptos().get(1).keyParams().split("\\|")[1]);
    }

    @Test
    void theSessionAddressServesWhenTheStreamHasNone() throws SdpException {
        AudioStream audio = AudioStream.read(OFFER.replace("c=IN IP4 127.0.0.9\r\n", "").replace("SAVP 0", "AVP 0"));

        assertEquals("10.0.0.1", audio.address(), "without the TTL");
        assertFalse(audio.isSrtp());
    }

    @Test
    void sdpWithoutAUsableAudioStreamIsRefusedSayingWhy() {
        assertEquals("not SDP", assertThrows(SdpException.class, () -> AudioStream.read("hello")).getMessage());
        assertEquals("no audio stream with a port", assertThrows(SdpException.class,
                () -> AudioStream.read("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 4000 RTP/SAVP 96\r\n")).getMessage());
        assertEquals("bad port in m=audio x RTP/SAVP 0", assertThrows(SdpException.class,
                () -> AudioStream.read("v=0\r\nm=audio x RTP/SAVP 0\r\n")).getMessage());
        assertEquals("no audio stream with a port", assertThrows(SdpException.class,
                () -> AudioStream.read("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/SAVP 0\r\n")).getMessage());
        assertEquals("no connection address (c=)", assertThrows(SdpException.class,
                () -> AudioStream.read("v=0\r\nm=audio 4000 RTP/SAVP 0\r\n")).getMessage());
        assertThrows(SdpException.class, () -> AudioStream.read(OFFER.replace("a=crypto:1 ", "a=crypto:one ")));
    }
}
