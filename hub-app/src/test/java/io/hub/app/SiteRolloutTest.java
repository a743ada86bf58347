package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.phone.Phone;
import io.hub.phone.PhoneSettings;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.net.NetLoop;
import io.hub.pki.MacAddress;
import io.hub.pki.MutableClock;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.provisioning.resync.ResyncRecord;
import io.hub.provisioning.resync.Resyncs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change to a site of 200 registered emulator phones reaches every one of them at the configured
 * rate, with every outcome recorded. The hub's clock is the test's: each second the test moves it
 * on, one batch of {@code resyncPerSecond} NOTIFYs goes out, and the rate is read off the times the
 * hub recorded for each phone, not off the wall clock.
 */
class SiteRolloutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PHONES = 200;
    private static final int PER_SECOND = 25;
    private static final long FIRST_MAC = 0x00809f100000L;

    @TempDir
    Path dir;

    // Whole milliseconds: the database keeps microseconds, and the recorded times are compared exactly.
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private Hub hub;
    private AdminHttp admin;
    private NetLoop loop;
    private ExecutorService certificateWork;
    private final List<Phone> phones = new ArrayList<>();
    private final AtomicInteger resynced = new AtomicInteger();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.resyncPerSecond = PER_SECOND;
        // 200 phones from one address, on a clock that stands still between the test's steps.
        settings.deviceRequestsPerSecond = 10_000;
        settings.sipUnregisteredPerSource = 1_000;
        settings.httpConnectionsPerSource = 1_000;
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), clock);
        admin = new AdminHttp(hub, dir.resolve("var"));
        for (int i = 0; i < PHONES; i++) {
            hub.provisioning().enrollment().enroll("default", new DeviceDraft(mac(i).value(), "Myriad M7",
                    Integer.toString(2000 + i), "Phone " + i, "Big", null, null, null), "test", "127.0.0.1");
        }
        hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809f0000ff", "Myriad M7", "1999",
                "Elsewhere", "Small", null, null, null), "test", "127.0.0.1");
        loop = new NetLoop("phones");
        certificateWork = Executors.newFixedThreadPool(2);
        PhoneSettings phoneSettings = EmulatedPhone.settingsFor(hub);
        PhoneCertificates certificates = new PhoneCertificates(Optional.empty(), hub.pki(), clock);
        Phone.Listener counting = new Phone.Listener() {
            @Override
            public void resynced(Phone which, boolean reboot) {
                resynced.incrementAndGet();
            }

            @Override
            public void failed(Phone which, io.hub.phone.Step step, io.hub.phone.StepFailure why) {
                failures.add(which.mac().value() + " " + step + ": " + why.detail());
            }
        };
        for (int i = 0; i < PHONES; i++) {
            phones.add(new Phone(loop, phoneSettings, certificates, certificateWork, mac(i), "Myriad M7", null,
                    counting));
        }
        // Booted 20 at a time, each batch in a SIP flood-control window of its own (2 s of the hub's
        // clock): the test is about the rollout, not about a boot storm from one address.
        for (int from = 0; from < PHONES; from += 20) {
            clock.advance(Duration.ofSeconds(2));
            List<CompletableFuture<?>> boots = new ArrayList<>();
            for (Phone phone : phones.subList(from, from + 20)) {
                boots.add(phone.boot());
            }
            try {
                CompletableFuture.allOf(boots.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("a phone did not boot: " + failures, e);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Phone phone : phones) {
            stops.add(phone.stop());
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        loop.close();
        certificateWork.shutdownNow();
        hub.close();
    }

    @Test
    void aSiteOf200PhonesIsToldAtTheConfiguredRateWithEveryOutcomeRecorded() throws Exception {
        assertEquals(PHONES, hub.sip().location().all().size(), "every phone registered");
        Resyncs resyncs = hub.provisioning().resyncs();
        HttpResponse<String> queued = admin.send("POST", "/admin/v1/sites/Big/resync", null, null);
        assertEquals(202, queued.statusCode(), queued.body());
        String rollout = JSON.readTree(queued.body()).get("id").asText();
        assertEquals(PHONES, resyncs.queued());

        Instant queuedAt = clock.instant();
        int seconds = PHONES / PER_SECOND;
        for (int second = 1; second <= seconds; second++) {
            clock.advance(Duration.ofSeconds(1));
            int sent = second * PER_SECOND;
            await(() -> done(rollout) == sent, "second " + second + ": " + sent + " phones answered");
            assertEquals(PHONES - sent, resyncs.queued(), "no more than " + PER_SECOND + " a second");
        }
        await(() -> resynced.get() == PHONES, "every phone fetched its configuration again " + failures);

        JsonNode progress = JSON.readTree(admin.get("/admin/v1/resyncs/" + rollout));
        assertEquals(PHONES, progress.get("total").asInt());
        assertEquals(0, progress.get("pending").asInt());
        assertEquals(PHONES, progress.at("/outcomes/ok").asInt(), progress.toString());

        // Every phone's outcome is recorded, and the recorded times give the rate: 25 in each second.
        Map<Instant, Integer> perSecond = new TreeMap<>();
        for (int i = 0; i < PHONES; i++) {
            ResyncRecord record = resyncs.last("default", mac(i)).orElseThrow(() -> new AssertionError("no outcome"));
            assertEquals("ok", record.outcome());
            assertEquals(200, record.status());
            perSecond.merge(record.requestedAt(), 1, Integer::sum);
        }
        List<Instant> expectedSeconds = new ArrayList<>();
        for (int second = 1; second <= seconds; second++) {
            expectedSeconds.add(queuedAt.plusSeconds(second));
        }
        assertEquals(expectedSeconds, List.copyOf(perSecond.keySet()));
        assertTrue(perSecond.values().stream().allMatch(count -> count == PER_SECOND), perSecond.toString());
        assertTrue(resyncs.last("default", MacAddress.parse("00809f0000ff")).isEmpty(), "another site's phone");
        for (Phone phone : phones) {
            assertEquals(2, phone.configFetches(), "booted once, resynced once");
        }
    }

    private int done(String rollout) {
        return hub.provisioning().resyncs().rollout("default", rollout).orElseThrow().total()
                - hub.provisioning().resyncs().rollout("default", rollout).orElseThrow().pending();
    }

    private static MacAddress mac(int i) {
        return MacAddress.parse(String.format("%012x", FIRST_MAC + i));
    }

    /** Waits for something the hub does on its own threads; bounded, and a failure says what was awaited. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
