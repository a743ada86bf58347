package io.hub.relay.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaPlanTest {

    private static final String KEY = "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";
    private static final String OFFER = String.join("\r\n",
            "v=0",
            "o=phone 1234 1 IN IP4 192.168.1.20",
            "s=-",
            "c=IN IP4 192.168.1.20",
            "t=0 0",
            "a=ice-ufrag:abcd",
            "m=audio 40000 RTP/SAVP 0 8 9 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + KEY,
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 " + KEY,
            "a=rtcp:40001",
            "a=candidate:1 1 UDP 2130706431 192.168.1.20 40000 typ host",
            "a=candidate:2 1 UDP 1694498815 203.0.113.7 51000 typ srflx raddr 192.168.1.20 rport 40000",
            "a=ice-pwd:secretsecretsecret",
            "a=sendrecv",
            "m=video 40002 RTP/SAVP 96",
            "a=rtpmap:96 H264/90000",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + KEY,
            "");

    @Test
    void parsingAndEncodingKeepsEveryLine() throws Exception {
        assertEquals(OFFER, SessionDescription.parse(OFFER).encode());
        assertEquals(OFFER, SessionDescription.parse(OFFER.replace("\r\n", "\n")).encode());
    }

    @Test
    void srtpAudioIsRelayedWithTheFirstSupportedSuite() throws Exception {
        Map<Integer, CryptoAttribute> relayed = MediaPlan.relayed(SessionDescription.parse(OFFER));

        assertEquals(List.of(0), List.copyOf(relayed.keySet()), "the audio, not the video");
        assertEquals("AES_CM_128_HMAC_SHA1_80", relayed.get(0).suite());
        assertEquals(1, relayed.get(0).tag());
    }

    @Test
    void theRewrittenOfferPointsAtTheRelayAndKeepsTheCodecs() throws Exception {
        SessionDescription offer = SessionDescription.parse(OFFER);

        String rewritten = MediaPlan.rewrite(offer, "198.51.100.1", Map.of(0, new MediaPlan.Endpoint(30000, 30001,
                List.of("1 AES_CM_128_HMAC_SHA1_80 inline:HUBKEYHUBKEYHUBKEYHUBKEYHUBKEYHUBKEYHUBKEY")))).encode();

        assertTrue(rewritten.contains("o=phone 1234 1 IN IP4 198.51.100.1\r\n"), rewritten);
        assertTrue(rewritten.contains("c=IN IP4 198.51.100.1\r\n"), rewritten);
        assertTrue(rewritten.contains("m=audio 30000 RTP/SAVP 0 8 9 101\r\n"), rewritten);
        assertTrue(rewritten.contains("a=rtcp:30001\r\n"), rewritten);
        assertTrue(rewritten.contains("a=fmtp:101 0-16\r\n"), "telephone-event passes: " + rewritten);
        assertTrue(rewritten.contains("a=rtpmap:9 G722/8000\r\n"));
        assertTrue(rewritten.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:HUBKEY"), rewritten);
        assertFalse(rewritten.contains(KEY), "one phone's key never reaches the other");
        assertFalse(rewritten.contains("candidate"), rewritten);
        assertFalse(rewritten.contains("ice-"), rewritten);
        assertTrue(rewritten.contains("m=video 0 RTP/SAVP 96\r\n"), "video is refused with port 0: " + rewritten);
        assertFalse(rewritten.contains("192.168.1.20"), rewritten);
    }

    @Test
    void passthroughKeepsTheOfferersKeyAndRtcpMuxStaysOnOnePort() throws Exception {
        SessionDescription offer = SessionDescription.parse(OFFER.replace("a=rtcp:40001", "a=rtcp-mux"));

        String rewritten = MediaPlan.rewrite(offer, "198.51.100.1",
                Map.of(0, new MediaPlan.Endpoint(30010, null, null))).encode();

        assertTrue(rewritten.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + KEY), rewritten);
        assertTrue(rewritten.contains("a=rtcp-mux\r\n"), rewritten);
        assertTrue(rewritten.contains("m=audio 30010 "), rewritten);
    }

    @Test
    void plainRtpAloneIsRefusedBecauseSrtpIsMandatory() throws Exception {
        String plain = OFFER.replace("RTP/SAVP 0 8 9 101", "RTP/AVP 0 8 9 101");

        SrtpRequired refusal = assertThrows(SrtpRequired.class,
                () -> MediaPlan.relayed(SessionDescription.parse(plain)));

        assertEquals("399 hub \"SRTP is mandatory: the offer has RTP/AVP audio only\"", refusal.warning());
    }

    @Test
    void savpWithoutASupportedSuiteIsRefusedToo() throws Exception {
        String gcmOnly = OFFER.replace("AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM")
                .replace("AES_CM_128_HMAC_SHA1_32", "AEAD_AES_256_GCM");

        assertThrows(SrtpRequired.class, () -> MediaPlan.relayed(SessionDescription.parse(gcmOnly)));
    }

    @Test
    void aBestEffortOfferKeepsItsSrtpAudioAndRefusesItsPlainCopy() throws Exception {
        String both = OFFER.replace("m=video 40002 RTP/SAVP 96\r\na=rtpmap:96 H264/90000\r\na=crypto:1 "
                + "AES_CM_128_HMAC_SHA1_80 " + KEY + "\r\n", "m=audio 40004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");

        SessionDescription offer = SessionDescription.parse(both);
        Map<Integer, CryptoAttribute> relayed = MediaPlan.relayed(offer);
        String rewritten = MediaPlan.rewrite(offer, "198.51.100.1",
                Map.of(0, new MediaPlan.Endpoint(30020, 30021, null))).encode();

        assertEquals(List.of(0), List.copyOf(relayed.keySet()));
        assertTrue(rewritten.contains("m=audio 0 RTP/AVP 0\r\n"), rewritten);
    }

    @Test
    void whatIsNotSdpIsRefusedWithAReason() {
        assertEquals("an SDP body starts with v=0, not 'hello'",
                assertThrows(SdpException.class, () -> SessionDescription.parse("hello\r\n")).getMessage());
        assertEquals("'m=audio x RTP/SAVP 0' has no valid port", assertThrows(SdpException.class,
                () -> SessionDescription.parse("v=0\r\nm=audio x RTP/SAVP 0\r\n")).getMessage());
        assertEquals("'garbage' is not an SDP line (x=value)", assertThrows(SdpException.class,
                () -> SessionDescription.parse("v=0\r\ngarbage\r\n")).getMessage());
        assertThrows(SdpException.class, () -> CryptoAttribute.parse("x AES_CM_128_HMAC_SHA1_80 inline:abc"));
    }

    @Test
    void theDirectionIsTheMediaLinesElseTheSessionsElseSendrecv() throws Exception {
        String body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=sendonly\r\n"
                + "m=audio 4000 RTP/SAVP 0\r\nm=audio 4002 RTP/SAVP 0\r\na=inactive\r\n";
        SessionDescription sdp = SessionDescription.parse(body);
        org.junit.jupiter.api.Assertions.assertEquals("sendonly", sdp.media().get(0).direction(sdp));
        org.junit.jupiter.api.Assertions.assertEquals("inactive", sdp.media().get(1).direction(sdp));
        SessionDescription plain = SessionDescription.parse(body.replace("a=sendonly\r\n", "")
                .replace("a=inactive\r\n", ""));
        org.junit.jupiter.api.Assertions.assertEquals("sendrecv", plain.media().get(0).direction(plain));
    }
}
