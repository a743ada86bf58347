package io.hub.sip.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.hub.pki.MutableClock;
import io.hub.sip.transport.Flow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The location store's per-AOR state: changes of different AORs share a commit while one is being
 * written, a change is applied only once it is durable, a refused or failed change leaves nothing,
 * and the flow index answers who is on a flow.
 */
class LocationServiceTest {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HeldStore store = new HeldStore();
    private final LocationService location = new LocationService(store, clock);

    @AfterEach
    void stop() {
        store.release();
        location.close();
        threads.shutdownNow();
    }

    private Binding binding(String aor, String contact, long flowId, Duration life) {
        return new Binding(aor, contact, null, null, "call-" + contact, 1, clock.instant().plus(life), clock.instant(),
                clock.instant(), flowId, "127.0.0.1:5000", "TLS", "test", null, null);
    }

    @Test
    void changesOfOtherAorsShareOneCommitWhileOneIsBeingWritten() throws Exception {
        store.holdNextRound();
        Future<?> first = threads.submit(() -> location.replace("sip:a@hub.test",
                List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 1, Duration.ofMinutes(5)))));
        assertTrue(store.held.await(30, TimeUnit.SECONDS), "the first round never reached the store");
        List<Future<?>> others = new ArrayList<>();
        for (String user : List.of("b", "c", "d")) {
            String aor = "sip:" + user + "@hub.test";
            others.add(threads.submit(() -> location.replace(aor,
                    List.of(binding(aor, "<sip:" + user + "@192.0.2.1>", 2, Duration.ofMinutes(5))))));
        }
        awaitQueued(3);

        // Not durable yet, so not there yet; reading does not wait for the write under way.
        assertEquals(List.of(), location.bindings("sip:a@hub.test"));
        store.release();
        first.get(30, TimeUnit.SECONDS);
        for (Future<?> other : others) {
            other.get(30, TimeUnit.SECONDS);
        }

        assertEquals(List.of(List.of("sip:a@hub.test"), List.of("sip:b@hub.test", "sip:c@hub.test", "sip:d@hub.test")),
                store.rounds.stream().map(round -> round.stream().map(AorBindings::aor).sorted().toList()).toList());
        assertEquals(new LocationService.Commits(2, 4), location.commits());
        assertEquals(1, location.bindings("sip:a@hub.test").size());
    }

    @Test
    void aChangeTheStoreRefusesFailsAloneAndLeavesNothing() throws Exception {
        store.holdNextRound();
        store.refuse("sip:bad@hub.test");
        Future<?> first = threads.submit(() -> location.replace("sip:a@hub.test",
                List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 1, Duration.ofMinutes(5)))));
        assertTrue(store.held.await(30, TimeUnit.SECONDS), "the first round never reached the store");
        Future<?> good = threads.submit(() -> location.replace("sip:b@hub.test",
                List.of(binding("sip:b@hub.test", "<sip:b@192.0.2.1>", 2, Duration.ofMinutes(5)))));
        Future<?> bad = threads.submit(() -> location.replace("sip:bad@hub.test",
                List.of(binding("sip:bad@hub.test", "<sip:bad@192.0.2.1>", 3, Duration.ofMinutes(5)))));
        awaitQueued(2);
        store.release();
        first.get(30, TimeUnit.SECONDS);
        good.get(30, TimeUnit.SECONDS);

        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> bad.get(30, TimeUnit.SECONDS));
        assertEquals("refused sip:bad@hub.test", failed.getCause().getMessage());
        assertEquals(1, location.bindings("sip:b@hub.test").size());
        assertEquals(List.of(), location.bindings("sip:bad@hub.test"));
        assertEquals(List.of(), location.aorsOn(3));
    }

    @Test
    void aRefusedChangeWritesNothingAndChangesNothing() {
        location.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 1,
                Duration.ofMinutes(5))));
        int rounds = store.rounds.size();

        assertThrows(java.io.IOException.class, () -> location.update("sip:a@hub.test", live -> {
            throw new java.io.IOException("no");
        }));
        assertEquals(rounds, store.rounds.size());
        assertEquals(1, location.bindings("sip:a@hub.test").size());
    }

    @Test
    void anUnchangedSetIsNotWrittenAgain() {
        List<Binding> set = List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 1, Duration.ofMinutes(5)));
        location.replace("sip:a@hub.test", set);
        int rounds = store.rounds.size();

        assertEquals(set, location.update("sip:a@hub.test", live -> live));
        assertEquals(rounds, store.rounds.size());
    }

    @Test
    void concurrentChangesOfOneAorAreAppliedOneAfterTheOther() throws Exception {
        String aor = "sip:a@hub.test";
        List<Future<?>> adds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            adds.add(threads.submit(() -> location.update(aor, live -> {
                List<Binding> more = new ArrayList<>(live);
                more.add(binding(aor, "<sip:a-" + n + "@192.0.2.1>", 1, Duration.ofMinutes(5)));
                return more;
            })));
        }
        for (Future<?> add : adds) {
            add.get(30, TimeUnit.SECONDS);
        }

        assertEquals(IntStream.range(0, 40).mapToObj(n -> "<sip:a-" + n + "@192.0.2.1>").sorted().toList(),
                location.bindings(aor).stream().map(Binding::contact).sorted().toList());
        assertEquals(40, store.lastSetOf(aor).size());
    }

    /** a on flow 7; b on flows 7 and 8; c on flow 9 for 30 s only. */
    private void registerThreeAors() {
        location.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 7,
                Duration.ofMinutes(5))));
        location.replace("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@192.0.2.1>", 7,
                Duration.ofMinutes(5)), binding("sip:b@hub.test", "<sip:b@192.0.2.2>", 8, Duration.ofMinutes(5))));
        location.replace("sip:c@hub.test", List.of(binding("sip:c@hub.test", "<sip:c@192.0.2.1>", 9,
                Duration.ofSeconds(30))));
    }

    @Test
    void theFlowIndexNamesTheAorsWithALiveBindingOnAFlow() {
        registerThreeAors();

        assertEquals(List.of("sip:a@hub.test", "sip:b@hub.test"), location.aorsOn(7).stream().sorted().toList());
        assertEquals(List.of("sip:b@hub.test"), location.aorsOn(8));
        assertEquals(List.of(), location.aorsOn(10));

        location.replace("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@192.0.2.2>", 8,
                Duration.ofMinutes(5))));
        location.replace("sip:a@hub.test", List.of());
        clock.advance(Duration.ofSeconds(31));

        assertEquals(List.of(), location.aorsOn(7));
        assertEquals(List.of("sip:b@hub.test"), location.aorsOn(8));
        assertEquals(List.of(), location.aorsOn(9), "an expired binding names nobody");
        location.expire(clock.instant());
        assertEquals(List.of(), location.bindings("sip:c@hub.test"));
    }

    @Test
    void theLiveFlowsAreTheOpenFlowsThatCarryALiveBinding() {
        registerThreeAors();
        Flow seven = openFlow(7);
        Flow eight = openFlow(8);
        List.of(seven, eight, openFlow(9), openFlow(10)).forEach(location::flowOpened);

        assertEquals(3, location.liveFlowCount(), "7 and 8 and 9; 10 carries nothing");
        clock.advance(Duration.ofSeconds(31));
        assertEquals(2, location.liveFlowCount(), "9's only binding expired");
        location.flowClosed(eight);
        assertEquals(1, location.liveFlowCount());
        when(seven.isOpen()).thenReturn(false);
        assertEquals(0, location.liveFlowCount(), "a flow closing is not counted while its close is under way");
    }

    private static Flow openFlow(long id) {
        // A unit's stand-in: the transport's flows need a connection, which this store never touches.
        Flow flow = mock(Flow.class);
        when(flow.id()).thenReturn(id);
        when(flow.isOpen()).thenReturn(true);
        return flow;
    }

    @Test
    void expiryDeletesTheRowsOfExpiredBindings() throws Exception {
        location.replace("sip:c@hub.test", List.of(binding("sip:c@hub.test", "<sip:c@192.0.2.1>", 9,
                Duration.ofSeconds(30)), binding("sip:c@hub.test", "<sip:c@192.0.2.2>", 9, Duration.ofMinutes(5))));
        clock.advance(Duration.ofSeconds(31));

        location.expire(clock.instant());
        // The expiry's write is not waited for; a change handed in after it is written after it.
        location.replace("sip:z@hub.test", List.of(binding("sip:z@hub.test", "<sip:z@192.0.2.1>", 3,
                Duration.ofMinutes(5))));

        assertEquals(List.of("<sip:c@192.0.2.2>"), store.lastSetOf("sip:c@hub.test").stream()
                .map(Binding::contact).toList());
    }

    @Test
    void expiryTakesOnlyTheAorsDueAndListsAnAorOnceHoweverOftenItRefreshes() {
        for (int i = 0; i < 100; i++) {
            location.replace("sip:busy@hub.test", List.of(binding("sip:busy@hub.test", "<sip:busy@192.0.2.1>", 1,
                    Duration.ofSeconds(60 + i))));
        }
        location.replace("sip:quiet@hub.test", List.of(binding("sip:quiet@hub.test", "<sip:quiet@192.0.2.2>", 2,
                Duration.ofSeconds(30))));
        assertEquals(2, location.listedForExpiry(), "one entry an AOR, not one a REGISTER");

        clock.advance(Duration.ofSeconds(31));
        location.expire(clock.instant());
        assertEquals(List.of(), location.bindings("sip:quiet@hub.test"));
        assertEquals(1, location.listedForExpiry());

        clock.advance(Duration.ofSeconds(30));
        location.expire(clock.instant());
        assertEquals(1, location.bindings("sip:busy@hub.test").size(),
                "listed at its first expiry, a minute, and refreshed since to 159 s: taken early, kept");
        assertEquals(1, location.listedForExpiry(), "listed again at its new expiry");
        clock.advance(Duration.ofSeconds(100));
        location.expire(clock.instant());
        assertEquals(List.of(), location.bindings("sip:busy@hub.test"));
        assertEquals(0, location.listedForExpiry());
    }

    @Test
    void bindingsLoadedAtStartExpireToo() {
        HeldStore loaded = new HeldStore(List.of(binding("sip:old@hub.test", "<sip:old@192.0.2.9>", 0,
                Duration.ofSeconds(10))));
        try (LocationService restarted = new LocationService(loaded, clock)) {
            clock.advance(Duration.ofSeconds(11));
            List<LocationEvent> events = Collections.synchronizedList(new ArrayList<>());
            restarted.subscribe(events::add);

            restarted.expire(clock.instant());

            assertEquals(List.of(LocationEvent.Kind.EXPIRED), events.stream().map(LocationEvent::kind).toList());
        } finally {
            loaded.release();
        }
    }

    @Test
    void aChangeAfterCloseIsRefused() {
        location.close();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> location.replace(
                "sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>", 1, Duration.ofMinutes(5)))));
        assertEquals("the binding store is closed", refused.getMessage());
        assertEquals(List.of(), location.bindings("sip:a@hub.test"));
    }

    /** Waits, bounded, until the writer has {@code count} changes queued behind the held round. */
    private void awaitQueued(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (location.queuedWrites() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + location.queuedWrites() + " changes queued");
            Thread.yield();
        }
    }

    /** A store that records its rounds, can hold one until released, and refuses changes of one AOR. */
    private static final class HeldStore implements BindingStore {
        final List<List<AorBindings>> rounds = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final List<Binding> loaded;
        private volatile boolean holdNext;
        private volatile String refused;

        HeldStore() {
            this(List.of());
        }

        HeldStore(List<Binding> loaded) {
            this.loaded = loaded;
        }

        void holdNextRound() {
            holdNext = true;
        }

        void release() {
            released.countDown();
        }

        void refuse(String aor) {
            refused = aor;
        }

        List<Binding> lastSetOf(String aor) {
            synchronized (rounds) {
                List<Binding> last = List.of();
                for (List<AorBindings> round : rounds) {
                    for (AorBindings change : round) {
                        if (change.aor().equals(aor)) {
                            last = change.bindings();
                        }
                    }
                }
                return last;
            }
        }

        @Override
        public List<Binding> load() {
            return loaded;
        }

        @Override
        public void replaceAll(List<AorBindings> changes) {
            if (holdNext) {
                holdNext = false;
                held.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            for (AorBindings change : changes) {
                if (change.aor().equals(refused)) {
                    throw new IllegalStateException("refused " + change.aor());
                }
            }
            rounds.add(List.copyOf(changes));
        }
    }
}
