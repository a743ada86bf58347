package io.hub.provisioning.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.hub.pki.MacAddress;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The device rows one reader read serve another by a tenant's extension, until a change drops them. */
class KeptDevicesTest {

    private static final MacAddress MAC = MacAddress.parse("00809faabbcc");

    private final ConfigChanges changes = new ConfigChanges();
    private final KeptDevices kept = new KeptDevices(changes, Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"),
            ZoneOffset.UTC), new SimpleMeterRegistry());

    @Test
    void aRowReadByItsMacIsFoundByItsTenantsExtension() {
        Device device = device("acme", "1001");
        kept.get(MAC, () -> device);

        assertSame(device, kept.holding("acme", "1001"));
        assertNull(kept.holding("other", "1001"), "the same extension of another tenant is another phone");
        assertNull(kept.holding("acme", "1002"));
    }

    @Test
    void aChangeToTheDeviceDropsItForBothReaders() {
        kept.get(MAC, () -> device("acme", "1001"));

        changes.changed(ConfigChange.device(MAC.value()));

        assertNull(kept.kept(MAC));
        assertNull(kept.holding("acme", "1001"));
    }

    @Test
    void anExtensionThatMovedIsNotFoundUnderItsOldNumber() {
        kept.get(MAC, () -> device("acme", "1001"));
        changes.changed(ConfigChange.device(MAC.value()));
        Device renumbered = device("acme", "2002");

        kept.get(MAC, () -> renumbered);

        assertNull(kept.holding("acme", "1001"), "the old hint names a row that holds another extension now");
        assertSame(renumbered, kept.holding("acme", "2002"));
    }

    @Test
    void aRowReadWhileAChangeCameIsNeitherKeptNorFound() {
        Device device = kept.get(MAC, () -> {
            changes.changed(ConfigChange.tenant("acme"));
            return device("acme", "1001");
        });

        assertEquals("1001", device.extension(), "the reader still gets what it read");
        assertNull(kept.kept(MAC));
        assertNull(kept.holding("acme", "1001"));
    }

    @Test
    void anUnknownMacOrADeviceWithoutAnExtensionLeavesNothingToFind() {
        assertNull(kept.get(MAC, () -> null));
        kept.get(MAC, () -> device("acme", null));

        assertNull(kept.holding("acme", "null"));
        assertNull(kept.holding("acme", ""));
    }

    private static Device device(String tenant, String extension) {
        return new Device(MAC, tenant, "Myriad M7", extension, null, "hq", "eu1", DeviceState.ENABLED, "secret",
                Instant.EPOCH, Instant.EPOCH);
    }
}
