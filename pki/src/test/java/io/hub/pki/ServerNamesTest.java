package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The names a server certificate may be made for, with the ones refused beside them. */
class ServerNamesTest {

    @Test
    void dnsNamesWildcardsAndAddressesAreAccepted() {
        for (String name : new String[] {"hub.example.com", "*.example.com", "localhost", "192.0.2.10", "::1",
                "2001:db8::7"}) {
            assertDoesNotThrow(() -> ServerNames.check(name), name);
        }
        assertTrue(ServerNames.isIpAddress("192.0.2.10"));
        assertTrue(ServerNames.isIpAddress("2001:db8::7"));
        assertFalse(ServerNames.isIpAddress("hub.example.com"));
    }

    @Test
    void malformedNamesAreRefusedWithWhatIsWrong() {
        assertEquals("malformed IPv4 address '192.0.2.300' in server names",
                assertThrows(PkiException.class, () -> ServerNames.check("192.0.2.300")).getMessage());
        assertEquals("malformed IPv6 address '2001:db8::zz' in server names",
                assertThrows(PkiException.class, () -> ServerNames.check("2001:db8::zz")).getMessage());
        assertEquals("malformed DNS name 'hub_1.example' in server names",
                assertThrows(PkiException.class, () -> ServerNames.check("hub_1.example")).getMessage());
        assertEquals("empty server name", assertThrows(PkiException.class, () -> ServerNames.check(" ")).getMessage());
        assertThrows(PkiException.class, () -> ServerNames.check("a".repeat(250) + ".com"));
    }
}
