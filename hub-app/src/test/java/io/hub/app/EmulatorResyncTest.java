package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.phone.Phone;
import io.hub.pki.MacAddress;
import io.hub.pki.MutableClock;
import io.hub.provisioning.devices.DeviceDraft;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phone emulator reacts to check-sync as a desk phone does: it answers 200 and fetches its
 * configuration again (and the firmware whose target changed, and registers with a new password),
 * and {@code reboot=true} runs its whole boot again. The hub's clock is the test's, so queued
 * check-syncs go out when the test moves it a second on, and a flood of changes within that second
 * is seen to be one.
 */
class EmulatorResyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "00809f000001";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private Hub hub;
    private AdminHttp admin;
    private EmulatedPhone emulated;
    private Phone phone;
    /** What each check-sync ended in: false a fetch, true a whole boot. */
    private final BlockingQueue<Boolean> resynced = new LinkedBlockingQueue<>();
    private final AtomicInteger told = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(), clock);
        admin = new AdminHttp(hub, dir.resolve("var"));
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris",
                null, null, null), "test", "127.0.0.1");
        emulated = EmulatedPhone.booted(hub, MAC, clock, new Phone.Listener() {
            @Override
            public void checkSync(Phone which, boolean reboot) {
                told.incrementAndGet();
            }

            @Override
            public void resynced(Phone which, boolean reboot) {
                resynced.add(reboot);
            }
        });
        phone = emulated.phone();
    }

    @AfterEach
    void stop() throws Exception {
        if (emulated != null) {
            emulated.close();
        }
        hub.close();
    }

    @Test
    void checkSyncFetchesTheNewConfigurationAndTheNewFirmware() throws Exception {
        assertEquals(1, phone.configFetches());
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Reception\"}"));
        assertEquals(false, queuedResync());
        assertEquals("Reception", phone.config().displayName());
        assertEquals(2, phone.configFetches());

        byte[] image = "firmware 2.0".getBytes(StandardCharsets.UTF_8);
        hub.provisioning().firmware().upload("default", "Myriad M7", "2.0", new ByteArrayInputStream(image),
                image.length);
        assertEquals(200, admin.send("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"2.0\"}"));
        assertEquals(false, queuedResync());
        assertEquals("2.0", phone.runningFirmware());

        assertEquals(200, admin.send("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"locale.timezone\": \"Europe/Berlin\"}}"));
        assertEquals(false, queuedResync());
        assertEquals(4, phone.configFetches());
        assertEquals(1, phone.boots(), "a resync is no reboot");
        JsonNode device = JSON.readTree(admin.get("/admin/v1/devices/" + MAC));
        assertEquals("ok", device.at("/resync/outcome").asText(), device.toString());
    }

    @Test
    void aRotatedPasswordIsFetchedAndRegisteredWith() throws Exception {
        String before = phone.agent().account().password();
        HttpResponse<String> rotated = admin.send("POST", "/admin/v1/devices/" + MAC + "/sip-password", null, null);
        assertEquals(200, rotated.statusCode(), rotated.body());
        assertTrue(!rotated.body().contains(before) && !rotated.body().contains("sipPassword"),
                "the answer carries no password: " + rotated.body());
        assertEquals(false, queuedResync());

        String now = hub.provisioning().enrollment().find("default", MacAddress.parse(MAC)).sipPassword();
        assertTrue(!now.equals(before), "a new password was stored");
        assertEquals(now, phone.config().password(), "fetched at the check-sync");
        assertEquals(now, phone.agent().account().password(), "and registered with");
        assertTrue(phone.agent().isRegistered());
        assertEquals(1, hub.sip().location().bindings("sip:1001@localhost").size(), "the binding is refreshed");
        assertEquals(1, phone.boots(), "no reboot");
    }

    @Test
    void rotatingTheUnknownIsNotFound() throws Exception {
        HttpResponse<String> unknown = admin.send("POST", "/admin/v1/devices/00809f0000ff/sip-password", null, null);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("not-found", JSON.readTree(unknown.body()).get("error").asText());
        HttpResponse<String> get = admin.send("GET", "/admin/v1/devices/" + MAC + "/sip-password", null, null);
        assertEquals(405, get.statusCode(), get.body());
    }

    @Test
    void aFloodOfChangesIsOneCheckSync() throws Exception {
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Reception\"}"));
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/" + MAC,
                "{\"settings\": {\"locale.timezone\": \"Europe/Berlin\"}}"));
        assertEquals(200, admin.send("POST", "/admin/v1/devices/" + MAC + "/sip-password", null, null).statusCode());
        assertEquals(200, admin.send("PUT", "/admin/v1/sites/Paris", "{\"settings\": {\"ntp.server\": "
                + "\"ntp.paris.example.com\"}}"));
        assertEquals(1, hub.provisioning().resyncs().queued(), "four changes, one phone waiting");

        assertEquals(false, queuedResync());
        assertEquals(1, told.get());
        assertEquals(0, hub.provisioning().resyncs().queued(), "nothing left to send");
        assertEquals(2, phone.configFetches(), "the boot's fetch and one more");
        assertEquals("Reception", phone.config().displayName());
        assertEquals(hub.provisioning().enrollment().find("default", MacAddress.parse(MAC)).sipPassword(),
                phone.agent().account().password(), "registered with the rotated password");
    }

    @Test
    void rebootRunsTheWholeBootAgain() throws Exception {
        HttpResponse<String> reboot = admin.send("POST", "/admin/v1/devices/" + MAC + "/reboot", null, null);
        assertEquals(200, reboot.statusCode(), reboot.body());
        assertEquals("ok", JSON.readTree(reboot.body()).get("outcome").asText());
        assertEquals(true, resynced.poll(120, TimeUnit.SECONDS));
        assertEquals(2, phone.boots());
        assertEquals(2, phone.configFetches());
        assertTrue(phone.agent().isRegistered(), "registered again after the reboot");
        assertEquals(1, hub.sip().location().bindings("sip:1001@localhost").size());
    }

    /** The hub's clock a second on, so the queue's next batch goes out; what the phone's check-sync ended in. */
    private Boolean queuedResync() throws InterruptedException {
        clock.advance(Duration.ofSeconds(1));
        return resynced.poll(60, TimeUnit.SECONDS);
    }
}
