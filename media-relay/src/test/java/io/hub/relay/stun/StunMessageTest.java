package io.hub.relay.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The STUN codec against the RFC 5769 test vectors, and the framing it refuses. */
class StunMessageTest {

    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.US_ASCII);

    /** RFC 5769 §2.1, Sample Request. */
    static final byte[] REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");

    /** RFC 5769 §2.2, Sample IPv4 Response. */
    static final byte[] IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");

    /** RFC 5769 §2.3, Sample IPv6 Response. */
    static final byte[] IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");

    @Test
    void theRfc5769SampleRequestVerifiesWithItsPasswordAndFingerprint() throws Exception {
        StunMessage request = StunMessage.parse(REQUEST, 0, REQUEST.length);

        assertEquals(StunMessage.BINDING_REQUEST, request.type());
        assertEquals("evtj:h6vY", request.username());
        assertArrayEquals(hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"), request.transactionId());
        assertArrayEquals("STUN test client".getBytes(StandardCharsets.US_ASCII), request.value(StunMessage.SOFTWARE));
        assertTrue(request.fingerprintMatches());
        assertTrue(request.integrityMatches(PASSWORD));
        assertFalse(request.integrityMatches("VOkJxbRl1RmTxUk/WvJxBT".getBytes(StandardCharsets.US_ASCII)),
                "one letter of the password changed");
    }

    @Test
    void theRfc5769Ipv4ResponseVerifiesAndMapsTo192_0_2_1Port32853() throws Exception {
        StunMessage response = StunMessage.parse(IPV4_RESPONSE, 0, IPV4_RESPONSE.length);

        assertEquals(StunMessage.BINDING_SUCCESS, response.type());
        assertTrue(response.fingerprintMatches());
        assertTrue(response.integrityMatches(PASSWORD));
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), response.xorMappedAddress());
    }

    @Test
    void theRfc5769Ipv6ResponseVerifiesAndMapsToItsAddress() throws Exception {
        StunMessage response = StunMessage.parse(IPV6_RESPONSE, 0, IPV6_RESPONSE.length);

        assertTrue(response.fingerprintMatches());
        assertTrue(response.integrityMatches(PASSWORD));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                response.xorMappedAddress());
    }

    @Test
    void aByteChangedAnywhereBreaksTheFingerprintAndTheIntegrity() throws Exception {
        for (int at : new int[] {1, 9, 30, 70}) {
            byte[] tampered = REQUEST.clone();
            tampered[at] ^= 0x01;
            StunMessage message = StunMessage.parse(tampered, 0, tampered.length);
            assertFalse(message.fingerprintMatches(), "byte " + at);
            assertFalse(message.integrityMatches(PASSWORD), "byte " + at);
        }
    }

    @Test
    void whatTheBuilderWritesVerifiesAndDecodes() throws Exception {
        byte[] id = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        byte[] wire = new StunMessageBuilder(StunMessage.BINDING_SUCCESS, id).xorMappedAddress(mapped)
                .build(PASSWORD, true);

        StunMessage message = StunMessage.parse(wire, 0, wire.length);
        assertTrue(message.fingerprintMatches());
        assertTrue(message.integrityMatches(PASSWORD));
        assertEquals(mapped, message.xorMappedAddress());
        // The RFC's own XOR-MAPPED-ADDRESS value for this address and ID.
        assertArrayEquals(hex("00 01 a1 47 e1 12 a6 43"), message.value(StunMessage.XOR_MAPPED_ADDRESS));
    }

    @Test
    void framingErrorsAreRefusedWithTheirReason() {
        assertEquals("a STUN message is at least 20 bytes, not 19",
                assertThrows(StunException.class, () -> StunMessage.parse(REQUEST, 0, 19)).getMessage());
        byte[] rtp = REQUEST.clone();
        rtp[0] = (byte) 0x80;
        assertEquals("the first two bits of a STUN message are zero",
                assertThrows(StunException.class, () -> StunMessage.parse(rtp, 0, rtp.length)).getMessage());
        byte[] noCookie = REQUEST.clone();
        noCookie[4] = 0;
        assertEquals("no STUN magic cookie",
                assertThrows(StunException.class, () -> StunMessage.parse(noCookie, 0, noCookie.length)).getMessage());
        assertEquals("the STUN length 88 does not match the datagram's 104 bytes",
                assertThrows(StunException.class, () -> StunMessage.parse(REQUEST, 0, REQUEST.length - 4)).getMessage());
        byte[] overrun = REQUEST.clone();
        overrun[22] = 0x7f; // SOFTWARE's length
        assertThrows(StunException.class, () -> StunMessage.parse(overrun, 0, overrun.length));
        byte[] afterIntegrity = REQUEST.clone();
        afterIntegrity[100] = 0x00; // FINGERPRINT's type becomes 0x0028, not allowed after MESSAGE-INTEGRITY
        assertEquals("attribute 0x28 follows MESSAGE-INTEGRITY",
                assertThrows(StunException.class, () -> StunMessage.parse(afterIntegrity, 0, afterIntegrity.length))
                        .getMessage());
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }
}
