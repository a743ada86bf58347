package io.hub.relay.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BencodeTest {

    @Test
    void readsThePingOfTheNgDocumentation() throws Exception {
        assertEquals(Map.of("command", "ping"), decode("d7:command4:pinge"));
        assertEquals(Map.of("result", "pong"), decode("d6:result4:ponge"));
    }

    @Test
    void readsNestedValuesAndKeepsTheKeysInTheOrderSent() throws Exception {
        Object value = decode("d4:zeroi0e3:negi-42e4:listl1:ai7ee4:dictd1:k1:vee");

        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(List.of("zero", "neg", "list", "dict"), new ArrayList<>(map.keySet()));
        assertEquals(0L, map.get("zero"));
        assertEquals(-42L, map.get("neg"));
        assertEquals(List.of("a", 7L), map.get("list"));
        assertEquals(Map.of("k", "v"), map.get("dict"));
    }

    @Test
    void writesKeysSortedAndReadsBackWhatItWrote() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sdp", "v=0\r\n");
        value.put("flags", List.of("trust-address", "SDES-nonew"));
        value.put("created", 1_700_000_000L);
        value.put("empty", Map.of());

        byte[] encoded = Bencode.encode(value);

        assertEquals("d7:createdi1700000000e5:emptyde5:flagsl13:trust-address10:SDES-nonewe3:sdp5:v=0\r\ne",
                new String(encoded, StandardCharsets.ISO_8859_1));
        assertEquals(value, Bencode.decode(encoded));
    }

    @Test
    void everyByteValueSurvivesARoundTripThroughAString() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] utf8Sdp = "s=Réunion café\r\n".getBytes(StandardCharsets.UTF_8);

        String decoded = (String) Bencode.decode(Bencode.encode(all));
        String sdp = (String) Bencode.decode(Bencode.encode(utf8Sdp));

        assertArrayEquals(all, decoded.getBytes(StandardCharsets.ISO_8859_1));
        assertArrayEquals(Bencode.encode(utf8Sdp), Bencode.encode(sdp), "UTF-8 goes out as it came in");
    }

    @Test
    void readsTheWholeRangeOfALong() throws Exception {
        assertEquals(Long.MAX_VALUE, decode("i9223372036854775807e"));
        assertEquals(Long.MIN_VALUE, decode("i-9223372036854775808e"));
        assertEquals("i-9223372036854775808e", new String(Bencode.encode(Long.MIN_VALUE), StandardCharsets.US_ASCII));
    }

    @Test
    void refusesTruncatedInputWithWhereItEnded() {
        assertRefused("", "truncated");
        assertRefused("d", "no end");
        assertRefused("d7:command", "truncated");
        assertRefused("d7:command4:ping", "no end");
        assertRefused("l1:a", "no end");
        assertRefused("4:spa", "runs past");
        assertRefused("i42", "no 'e'");
        assertRefused("12", "no ':'");
    }

    @Test
    void refusesIntegersThatAreNotCanonicalOrDoNotFit() {
        assertRefused("ie", "not a canonical integer");
        assertRefused("i-e", "not a canonical integer");
        assertRefused("i-0e", "not a canonical integer");
        assertRefused("i042e", "not a canonical integer");
        assertRefused("i4x2e", "not a digit");
        assertRefused("i9223372036854775808e", "does not fit 64 bits");
        assertRefused("i-9223372036854775809e", "does not fit 64 bits");
        assertRefused("i99999999999999999999999999e", "does not fit 64 bits");
        assertRefused("-1:x", "unexpected byte");
        assertRefused("01:x", "not a canonical integer");
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeAnythingIsAllocated() {
        assertRefused("9223372036854775807:x", "runs past the 1 bytes left");
        assertRefused("2147483648:x", "runs past");
        assertRefused("d7:command4000000000:pinge", "runs past");
    }

    @Test
    void refusesNonStringKeysTrailingBytesAndStrangers() {
        assertRefused("di1e1:xe", "key must be a string");
        assertRefused("dl1:ae1:xe", "key must be a string");
        assertRefused("i1ei2e", "bytes after the value");
        assertRefused("d4:spam4:eggsee", "bytes after the value");
        assertRefused("x", "unexpected byte 0x78");
        assertRefused("d3:key", "truncated");
    }

    @Test
    void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        String deep = "l".repeat(100_000) + "e".repeat(100_000);

        assertRefused(deep, "nested deeper than " + Bencode.MAX_DEPTH);
        assertRefused("d1:a".repeat(40) + "i1e" + "e".repeat(40), "nested deeper");
    }

    @Test
    void randomBytesEitherDecodeOrAreRefusedNeverAnythingElse() {
        Random random = new Random(7);
        byte[] alphabet = "dlie0123456789:-ax ".getBytes(StandardCharsets.US_ASCII);
        int refused = 0;
        for (int run = 0; run < 20_000; run++) {
            byte[] input = new byte[random.nextInt(40)];
            for (int i = 0; i < input.length; i++) {
                input[i] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            try {
                Object value = Bencode.decode(input);
                assertEquals(value, Bencode.decode(Bencode.encode(value)), "what decodes encodes back");
            } catch (BencodeException e) {
                refused++;
            }
        }
        assertTrue(refused > 10_000, "most random input is refused: " + refused);
    }

    @Test
    void encodingRefusesWhatBencodingCannotCarry() {
        assertEquals("no bencoding for null", assertThrows(IllegalArgumentException.class,
                () -> Bencode.encode(null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(1.5));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode("€"));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Map.of(1, "x")));
    }

    private static Object decode(String text) throws BencodeException {
        return Bencode.decode(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertRefused(String text, String why) {
        BencodeException e = assertThrows(BencodeException.class, () -> decode(text), text);
        assertTrue(e.getMessage().contains(why), "'" + text + "': " + e.getMessage());
    }
}
