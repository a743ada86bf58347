package io.hub.dhcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionNamesTest {

    @Test
    void eachServerKnowsTheSharedNamesAndItsOwnSpelling() {
        assertEquals(3, IscOptionNames.STANDARD.get("routers"));
        assertEquals(3, KeaOptionNames.STANDARD.get("routers"));
        assertEquals(5, IscOptionNames.STANDARD.get("ien116-name-servers"));
        assertEquals(5, KeaOptionNames.STANDARD.get("name-servers"));
        assertEquals(67, IscOptionNames.STANDARD.get("bootfile-name"));
        assertEquals(67, KeaOptionNames.STANDARD.get("boot-file-name"));
        assertEquals(160, IscOptionNames.STANDARD.get("v4-captive-portal"));
        assertEquals(114, KeaOptionNames.STANDARD.get("v4-captive-portal"));
        assertFalse(IscOptionNames.STANDARD.containsKey("boot-file-name"), "Kea's spelling is not dhcpd's");
        assertEquals(120, IscOptionNames.STANDARD.size());
        assertEquals(118, KeaOptionNames.STANDARD.size());
    }

    @Test
    void aServerNameThatIsAlreadySharedIsAMistakeInTheTable() {
        assertEquals("option name routers is already shared", assertThrows(IllegalStateException.class,
                () -> SharedOptionNames.with(Map.of("routers", 3))).getMessage());
    }
}
