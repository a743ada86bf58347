package io.hub.relay.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** An ng control datagram as the relay (or anything on its port) may send it. */
class BencodeFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void whatDecodesEncodesToBytesThatDecodeToTheSameValue(byte[] datagram) {
        Object value;
        try {
            value = Bencode.decode(datagram);
        } catch (BencodeException refused) {
            return;
        }
        byte[] encoded = Bencode.encode(value);
        Object again;
        try {
            again = Bencode.decode(encoded);
        } catch (BencodeException e) {
            throw new AssertionError("the encoder wrote what the decoder refuses: " + e.getMessage(), e);
        }
        assertEquals(value, again, "dictionaries compare as maps, whatever their order");
        assertArrayEquals(encoded, Bencode.encode(again), "the encoding of a value is canonical");
    }
}
