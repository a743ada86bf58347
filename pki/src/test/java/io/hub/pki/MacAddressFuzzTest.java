package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * A MAC as it arrives in a device API path, a CSV line or a certificate subject: parsed to the
 * one normalised form, or refused by {@link MacAddress#parse} with an IllegalArgumentException;
 * the colon form a person reads parses back to the same MAC.
 */
class MacAddressFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyTextIsANormalisedMacThatReadsBackOrIsRefused(String text) {
        Optional<MacAddress> parsed = MacAddress.tryParse(text);

        if (parsed.isEmpty()) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
            return;
        }
        MacAddress mac = parsed.get();
        assertTrue(mac.value().matches("[0-9a-f]{12}"), mac.value());
        assertEquals(mac, MacAddress.parse(mac.colonSeparated()));
        assertEquals(mac, MacAddress.parse(mac.value()));
        assertEquals(mac, MacAddress.parse(text));
    }
}
