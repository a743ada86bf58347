package io.hub.sip.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding journal in front of the registrar's table, on a real H2 file: a change is durable
 * once journaled, replayed at load after a crash, moved to the table by checkpoints; a record a
 * crash cut short is left out and nothing before it is lost. A crash is a store left open and a
 * new one made over the same files, as a restarted process would; {@link JournalKillTest} kills a
 * real process.
 */
class JournaledBindingStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;

    private HikariDataSource database;
    private FailingTable table;
    private Path journal;

    @BeforeEach
    void open() {
        database = new HikariDataSource();
        database.setJdbcUrl("jdbc:h2:file:" + dir.resolve("hub"));
        table = new FailingTable(new JdbcBindingStore(database));
        journal = dir.resolve("sip-bindings");
    }

    @AfterEach
    void close() {
        database.close();
    }

    static Binding binding(String aor, String contact) {
        return new Binding(aor, contact, null, null, "call-1", 1, NOW.plusSeconds(300), NOW, NOW, 4, "127.0.0.1:5000",
                "TLS", "test", null, null);
    }

    private JournaledBindingStore loaded() {
        JournaledBindingStore store = new JournaledBindingStore(table, journal, null);
        store.load();
        return store;
    }

    private List<String> inTable() {
        return new JdbcBindingStore(database).load().stream().map(b -> b.aor() + " " + b.contact()).sorted().toList();
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(journal)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aJournaledChangeIsNotInTheTableYetAndARestartReplaysIt() throws Exception {
        JournaledBindingStore crashed = loaded();
        crashed.replaceAll(List.of(new AorBindings("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>"))),
                new AorBindings("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@1>")))));
        assertEquals(List.of(), inTable(), "nothing reaches the table before a checkpoint");

        List<Binding> afterRestart = new JournaledBindingStore(table, journal, null).load();

        assertEquals(List.of("<sip:a@1>", "<sip:b@1>"), afterRestart.stream().map(Binding::contact).sorted().toList());
        assertEquals(List.of("sip:a@hub.test <sip:a@1>", "sip:b@hub.test <sip:b@1>"), inTable());
        assertEquals(List.of(), segments(), "replayed segments are deleted");
    }

    @Test
    void aCheckpointMovesTheLastSetOfEachAorToTheTableAndDeletesItsSegment() throws Exception {
        JournaledBindingStore store = loaded();
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:first@1>")));
        store.replace("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@1>")));
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:second@1>")));
        assertEquals(1, segments().size());

        store.checkpoint();

        assertEquals(List.of("sip:a@hub.test <sip:second@1>", "sip:b@hub.test <sip:b@1>"), inTable());
        assertEquals(List.of(), segments());
        assertEquals(1, store.checkpoints());

        store.replace("sip:b@hub.test", List.of());
        store.checkpoint();
        assertEquals(List.of("sip:a@hub.test <sip:second@1>"), inTable(), "an empty set deletes the AOR's rows");
        store.checkpoint();
        assertEquals(2, store.checkpoints(), "a checkpoint with nothing journaled does nothing");
    }

    @Test
    void everyFieldOfABindingComesBackFromTheJournal() {
        Binding full = new Binding("sip:1001@hub.test", "<sip:1001@192.0.2.7:5061;transport=tls;ob>",
                "<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>", 1, "c4ll-id@192.0.2.7", 4711,
                NOW.plusSeconds(3600), NOW.minusSeconds(60), NOW.plusMillis(250), 9, "192.0.2.7:40112", "TLS",
                "Desk phone é 1.2", "0004F2A1B2C3", "TLS_AES_128_GCM_SHA256");
        Binding sparse = new Binding("sip:1001@hub.test", "<sip:1001@192.0.2.8>", null, null, "c2", 1,
                NOW.plusSeconds(60), NOW, NOW, 0, null, null, null, null, null);
        loaded().replace(full.aor(), List.of(full, sparse));

        List<Binding> back = new JournaledBindingStore(table, journal, null).load();

        assertEquals(List.of(full.withoutFlow(), sparse),
                back.stream().sorted(java.util.Comparator.comparing(Binding::contact)).toList());
    }

    @Test
    void aRecordACrashCutShortIsLeftOutAndTheRecordsBeforeItStay() throws Exception {
        assertEquals(List.of("<sip:kept@1>"), afterTheLastRecordIsDamaged(
                bytes -> java.util.Arrays.copyOf(bytes, bytes.length - 5)));
    }

    @Test
    void aRecordWhoseChecksumDoesNotMatchIsLeftOut() throws Exception {
        assertEquals(List.of("<sip:kept@1>"), afterTheLastRecordIsDamaged(bytes -> {
            bytes[bytes.length - 3] ^= 0x40;
            return bytes;
        }));
    }

    /** The contacts a restart finds after two records of one AOR, the second one damaged by {@code damage}. */
    private List<String> afterTheLastRecordIsDamaged(java.util.function.UnaryOperator<byte[]> damage)
            throws Exception {
        JournaledBindingStore crashed = loaded();
        crashed.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:kept@1>")));
        crashed.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:damaged@1>")));
        Path segment = segments().get(0);
        Files.write(segment, damage.apply(Files.readAllBytes(segment)), StandardOpenOption.TRUNCATE_EXISTING);

        return new JournaledBindingStore(table, journal, null).load().stream().map(Binding::contact).toList();
    }

    @Test
    void replayingOverATableThatAlreadyHoldsTheChangesGivesTheSameSets() throws Exception {
        table.replace("sip:gone@hub.test", List.of(binding("sip:gone@hub.test", "<sip:gone@1>")));
        JournaledBindingStore crashed = loaded();
        crashed.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>")));
        crashed.replace("sip:gone@hub.test", List.of());
        // A checkpoint's commit done, the crash before its segment was deleted:
        table.replaceAll(List.of(new AorBindings("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>"))),
                new AorBindings("sip:gone@hub.test", List.of())));

        new JournaledBindingStore(table, journal, null).load();

        assertEquals(List.of("sip:a@hub.test <sip:a@1>"), inTable());
    }

    @Test
    void aCheckpointTheTableRefusesKeepsItsSegmentsAndIsTriedAgainWithTheNewerChanges() throws Exception {
        JournaledBindingStore store = loaded();
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:first@1>")));
        store.replace("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@1>")));
        table.refuse("sip:b@hub.test");

        assertThrows(IllegalStateException.class, store::checkpoint);
        assertEquals(List.of("sip:a@hub.test <sip:first@1>"), inTable(), "the AORs the table took are in it");
        assertEquals(1, segments().size(), "the refused change's segment stays");

        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:second@1>")));
        assertEquals(2, segments().size());
        table.refuse(null);
        store.checkpoint();

        assertEquals(List.of("sip:a@hub.test <sip:second@1>", "sip:b@hub.test <sip:b@1>"), inTable());
        assertEquals(List.of(), segments());
    }

    @Test
    void segmentsAreReplayedInOrderSoTheNewestSetWins() throws Exception {
        JournaledBindingStore crashed = loaded();
        crashed.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:old@1>")));
        table.refuse("sip:a@hub.test");
        assertThrows(IllegalStateException.class, crashed::checkpoint);
        crashed.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:new@1>")));
        assertEquals(2, segments().size());
        table.refuse(null);

        List<Binding> back = new JournaledBindingStore(table, journal, null).load();

        assertEquals(List.of("<sip:new@1>"), back.stream().map(Binding::contact).toList());
    }

    @Test
    void aChangeTheTableCouldNotHoldIsRefusedBeforeItIsJournaled() throws Exception {
        JournaledBindingStore store = loaded();
        Binding tooLong = binding("sip:b@hub.test", "<sip:" + "x".repeat(2000) + "@192.0.2.1>");

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> store.replaceAll(List.of(
                new AorBindings("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>"))),
                new AorBindings("sip:b@hub.test", List.of(tooLong)))));

        assertTrue(refused.getMessage().contains("longer than"), refused.getMessage());
        assertEquals(List.of(), new JournaledBindingStore(table, journal, null).load(), "nothing of the round");
    }

    @Test
    void aFileThatIsNotAJournalSegmentStopsTheLoadWithItsName() throws Exception {
        Files.createDirectories(journal);
        Files.writeString(journal.resolve("sip-bindings-3.journal"), "something else entirely");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new JournaledBindingStore(table, journal, null).load());

        assertTrue(refused.getMessage().contains("sip-bindings-3.journal"), refused.getMessage());
    }

    @Test
    void aSegmentIsTheHubUsersOnlyWhateverTheUmask() throws Exception {
        loaded().replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>")));

        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(segments().get(0))), "contacts and addresses of phones");
    }

    @Test
    void changesBeforeLoadAreRefused() {
        JournaledBindingStore store = new JournaledBindingStore(table, journal, null);

        assertThrows(IllegalStateException.class,
                () -> store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>"))));
    }

    @Test
    void closeCheckpointsWhatIsJournaled() throws Exception {
        JournaledBindingStore store = loaded();
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>")));

        store.close();

        assertEquals(List.of("sip:a@hub.test <sip:a@1>"), inTable());
        assertEquals(List.of(), segments());
    }

    @Test
    void theTimerCheckpointsWithoutBeingAsked() throws Exception {
        JournaledBindingStore store = new JournaledBindingStore(table, journal, java.time.Duration.ofMillis(10));
        try {
            store.load();
            store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@1>")));
            for (int i = 0; i < 1_000 && store.checkpoints() == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(List.of("sip:a@hub.test <sip:a@1>"), inTable());
        } finally {
            store.close();
        }
    }

    @Test
    void registersOfManyThreadsEachAppendTheirOwnChangeAndEveryOneIsKept() throws Exception {
        int aors = 300;
        JournaledBindingStore store = new JournaledBindingStore(table, journal, null);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(16);
        try (LocationService location = new LocationService(store, java.time.Clock.fixed(NOW,
                java.time.ZoneOffset.UTC))) {
            List<java.util.concurrent.Future<?>> registers = new java.util.ArrayList<>();
            for (int i = 0; i < aors; i++) {
                String aor = "sip:" + (1000 + i) + "@hub.test";
                registers.add(threads.submit(() -> location.replace(aor, List.of(binding(aor, "<sip:" + aor
                        .substring(4) + ">")))));
            }
            for (java.util.concurrent.Future<?> register : registers) {
                register.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(new LocationService.Commits(aors, aors), location.commits(), "one append per change");
            assertEquals(List.of(), inTable(), "no checkpoint yet");
        } finally {
            threads.shutdownNow();
        }
        assertEquals(aors, inTable().size(), "closing the location service checkpointed the journal");
        assertThrows(IllegalStateException.class, () -> store.replace("sip:late@hub.test", List.of()),
                "a closed journal takes no change");
    }

    /** The registrar's table, made to refuse one AOR's changes while a test says so. */
    private static final class FailingTable implements BindingStore {
        private final BindingStore table;
        private volatile String refused;

        FailingTable(BindingStore table) {
            this.table = table;
        }

        void refuse(String aor) {
            refused = aor;
        }

        @Override
        public List<Binding> load() {
            return table.load();
        }

        @Override
        public void replaceAll(List<AorBindings> changes) {
            if (changes.stream().anyMatch(change -> change.aor().equals(refused))) {
                throw new IllegalStateException("the table is told to refuse " + refused);
            }
            table.replaceAll(changes);
        }

        @Override
        public void check(AorBindings change) {
            table.check(change);
        }
    }
}
