package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.phone.Phone;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deviceDefaults} come from hub.yaml, so they change across a restart, when no phone has a
 * flow: a hub started with other defaults than the database's phones were last served owes each of
 * them a check-sync, sent when the phone registers; the same defaults owe nothing.
 */
class ChangedDefaultsResyncTest {

    private static final String MAC = "00809f000001";

    @TempDir
    Path dir;

    private Hub hub;
    private EmulatedPhone emulated;
    private Phone phone;
    private final BlockingQueue<Boolean> resynced = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws Exception {
        if (emulated != null) {
            emulated.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aPhoneIsToldOfDefaultsChangedSinceTheLastStartWhenItRegisters() throws Exception {
        hub = start(Map.of("ntp.server", "ntp1.example.com"));
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris",
                null, null, null), "test", "127.0.0.1");
        assertEquals(0, hub.provisioning().resyncs().owed(), "the first start of a database owes nothing");
        hub.close();

        hub = start(Map.of("ntp.server", "ntp1.example.com"));
        assertEquals(0, hub.provisioning().resyncs().owed(), "the same defaults owe nothing");
        hub.close();

        hub = start(Map.of("ntp.server", "ntp2.example.com"));
        assertEquals(1, hub.provisioning().resyncs().owed());
        hub.close();

        hub = start(Map.of("ntp.server", "ntp2.example.com"));
        assertEquals(1, hub.provisioning().resyncs().owed(), "a second restart before the phone registers keeps "
                + "the debt, though the new defaults' digest is stored");
        boot();
        assertEquals(false, resynced.poll(60, TimeUnit.SECONDS), "check-sync once registered");
        assertEquals(2, phone.configFetches(), "the boot's fetch, then the check-sync's");
        assertEquals(0, hub.provisioning().resyncs().owed());
        assertEquals("ok", hub.provisioning().resyncs().last("default", MacAddress.parse(MAC)).orElseThrow()
                .outcome());
        emulated.close();
        emulated = null;
        hub.close();

        hub = start(Map.of("ntp.server", "ntp2.example.com"));
        assertEquals(0, hub.provisioning().resyncs().owed(), "a phone told is not owed again after a restart");
    }

    private Hub start(Map<String, String> defaults) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.deviceDefaults.putAll(defaults);
        return Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
    }

    private void boot() throws Exception {
        emulated = EmulatedPhone.booted(hub, MAC, Clock.systemUTC(), new Phone.Listener() {
            @Override
            public void resynced(Phone which, boolean reboot) {
                resynced.add(reboot);
            }
        });
        phone = emulated.phone();
    }
}
