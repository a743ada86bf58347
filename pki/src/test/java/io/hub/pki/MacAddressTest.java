package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MacAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"00:80:9F:AA:BB:CC", "00-80-9f-aa-bb-cc", "0080.9faa.bbcc", "00809FAABBCC",
            "00809faabbcc", " 00:80:9f:aa:bb:cc ", "0080.9FAA.BBCC", "00-80-9F-AA-BB-CC"})
    void everyAcceptedSpellingNormalisesToTwelveLowerCaseHexDigits(String spelling) {
        assertEquals("00809faabbcc", MacAddress.parse(spelling).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00:80:9f:aa:bb", "00:80:9f:aa:bb:cc:dd", "00:80-9f:aa:bb:cc", "0080.9faa.bbc",
            "00809faabbcg", "0:80:9f:aa:bb:cc", "00.80.9f.aa.bb.cc", "00809f-aabbcc", "mac",
            "00:80:9f:aa:bb-cc", "0080-9faa-bbcc", "0080.9faa:bbcc", "00:80:9f:aa:bb:c:", "00809faabbcc0",
            "\u0660\u0660809faabbcc", "00:80:9f:aa:bb:cc\u0000", "00 80 9f aa bb cc", "00::80:9f:aa:bbcc"})
    void anythingElseIsRefusedWithAMessageNamingTheInputAndTheAcceptedForms(String spelling) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(spelling));
        assertEquals("malformed MAC address '" + spelling + "': expected 12 hex digits as "
                + "00:80:9f:aa:bb:cc, 00-80-9f-aa-bb-cc, 0080.9faa.bbcc or 00809faabbcc", e.getMessage());
    }

    @Test
    void nullIsNotAMac() {
        assertTrue(MacAddress.tryParse(null).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
    }

    @Test
    void colonSeparatedFormIsForPeople() {
        assertEquals("00:80:9f:aa:bb:cc", MacAddress.parse("00809FAABBCC").colonSeparated());
        assertEquals("00809faabbcc", MacAddress.parse("00809FAABBCC").toString());
    }

    @Test
    void theRecordItselfOnlyHoldsTheNormalisedForm() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress("00:80:9f:aa:bb:cc"));
    }
}
