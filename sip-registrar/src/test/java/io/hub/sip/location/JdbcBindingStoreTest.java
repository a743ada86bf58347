package io.hub.sip.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several AORs' binding sets in one transaction: all of them or none; REGISTERs of many threads
 * grouped into shared commits. On H2 here, on PostgreSQL in {@link JdbcBindingStoreOnPostgresTest}.
 */
class JdbcBindingStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    private HikariDataSource database;
    private JdbcBindingStore store;

    @BeforeEach
    void open() {
        database = new HikariDataSource();
        database.setJdbcUrl(url());
        store = new JdbcBindingStore(database);
    }

    /** The database the tests run on. */
    String url() {
        return "jdbc:h2:file:" + dir.resolve("hub") + ";WRITE_DELAY=0";
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static Binding binding(String aor, String contact) {
        return new Binding(aor, contact, null, null, "call-1", 1, NOW.plusSeconds(300), NOW, NOW, 4, "127.0.0.1:5000",
                "TLS", "test", null, null);
    }

    @Test
    void everyChangeOfARoundIsWrittenAndTheLastSetOfAnAorWins() {
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:old@192.0.2.1>")));

        store.replaceAll(List.of(
                new AorBindings("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:first@192.0.2.1>"))),
                new AorBindings("sip:b@hub.test", List.of(binding("sip:b@hub.test", "<sip:b@192.0.2.1>"))),
                new AorBindings("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:a@192.0.2.1>"),
                        binding("sip:a@hub.test", "<sip:a@192.0.2.2>")))));

        assertEquals(List.of("sip:a@hub.test <sip:a@192.0.2.1>", "sip:a@hub.test <sip:a@192.0.2.2>",
                "sip:b@hub.test <sip:b@192.0.2.1>"), rows());
        assertEquals(0, store.load().get(0).flowId(), "a loaded binding has no flow until its phone reconnects");
    }

    @Test
    void aRoundWithOneBadChangeWritesNone() {
        store.replace("sip:a@hub.test", List.of(binding("sip:a@hub.test", "<sip:old@192.0.2.1>")));
        Binding tooLong = binding("sip:b@hub.test", "<sip:" + "x".repeat(2000) + "@192.0.2.1>");

        assertThrows(IllegalStateException.class, () -> store.replaceAll(List.of(
                new AorBindings("sip:a@hub.test", List.of()),
                new AorBindings("sip:b@hub.test", List.of(tooLong)))));

        assertEquals(List.of("sip:a@hub.test <sip:old@192.0.2.1>"), rows());
    }

    @Test
    void registersOfManyThreadsShareCommitsAndAllOfThemAreStored() throws Exception {
        int aors = 200;
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try (LocationService location = new LocationService(store, Clock.fixed(NOW, ZoneOffset.UTC))) {
            List<Future<?>> registers = new ArrayList<>();
            for (int i = 0; i < aors; i++) {
                String aor = "sip:" + (1000 + i) + "@hub.test";
                registers.add(threads.submit(() -> location.replace(aor, List.of(binding(aor, "<sip:" + aor
                        .substring(4) + ";transport=tls>")))));
            }
            for (Future<?> register : registers) {
                register.get(60, TimeUnit.SECONDS);
            }
            LocationService.Commits commits = location.commits();
            assertEquals(aors, commits.changes());
            assertTrue(commits.transactions() <= aors, commits.toString());
        } finally {
            threads.shutdownNow();
        }

        List<Binding> stored = new JdbcBindingStore(database).load();
        assertEquals(aors, stored.size());
        assertEquals(IntStream.range(0, aors).mapToObj(i -> "sip:" + (1000 + i) + "@hub.test").sorted().toList(),
                stored.stream().map(Binding::aor).sorted().toList());
    }

    @Test
    void aRefreshUpdatesItsRowInPlaceAndARemovedBindingGoesWhileTheOthersStay() throws Exception {
        String aor = "sip:1001@hub.test";
        Binding desk = binding(aor, "<sip:1001@10.0.0.1;transport=tls>");
        Binding soft = binding(aor, "<sip:1001@10.0.0.2;transport=tls>");
        Binding other = binding("sip:1002@hub.test", "<sip:1002@10.0.0.3;transport=tls>");
        store.replaceAll(List.of(new AorBindings(aor, List.of(desk, soft)),
                new AorBindings(other.aor(), List.of(other))));
        boolean h2 = url().startsWith("jdbc:h2:");
        long deskRow = h2 ? rowId(desk) : -1;
        Binding refreshed = new Binding(aor, desk.contact(), null, null, "call-1", 2, NOW.plusSeconds(600), NOW,
                NOW.plusSeconds(300), 4, "127.0.0.1:5000", "TLS", "test", null, null);

        store.replace(aor, List.of(refreshed));

        List<Binding> stored = store.load();
        assertEquals(List.of(desk.contact(), other.contact()), stored.stream().map(Binding::contact).sorted().toList(),
                "the binding left out of the set is gone, the other AOR's row stays");
        Binding kept = stored.stream().filter(b -> b.contact().equals(desk.contact())).findFirst().orElseThrow();
        assertEquals(2, kept.cseq());
        assertEquals(NOW.plusSeconds(600), kept.expiresAt());
        if (h2) {
            assertEquals(deskRow, rowId(desk), "the refresh updated the row where it was");
        }

        store.replace(aor, List.of());

        assertEquals(List.of(other.contact()), store.load().stream().map(Binding::contact).toList());
    }

    /** H2's internal row id of a binding's row: it stays when a row is updated, a new row gets another. */
    private long rowId(Binding binding) throws Exception {
        try (var connection = database.getConnection(); var query = connection.prepareStatement(
                "SELECT _ROWID_ FROM sip_binding WHERE aor = ? AND binding_key = ?")) {
            query.setString(1, binding.aor());
            query.setString(2, binding.key());
            try (var row = query.executeQuery()) {
                assertTrue(row.next(), "a row for " + binding.contact());
                return row.getLong(1);
            }
        }
    }

    private List<String> rows() {
        return store.load().stream().map(b -> b.aor() + " " + b.contact()).sorted().toList();
    }

    @Test
    void nodesSharingTheDatabaseEachLoadAndReplaceTheirOwnRowsOnly() {
        JdbcBindingStore a = new JdbcBindingStore(database, "node-a");
        JdbcBindingStore b = new JdbcBindingStore(database, "node-b");
        String aor = "sip:1001@hub.test";

        a.replace(aor, List.of(binding(aor, "<sip:1001@10.0.0.1;transport=tls>")));
        b.replace(aor, List.of(binding(aor, "<sip:1001@10.0.0.2;transport=tls>")));
        b.replace(aor, List.of());

        assertEquals(List.of("<sip:1001@10.0.0.1;transport=tls>"), a.load().stream().map(Binding::contact).toList(),
                "node B's expiry left node A's binding");
        assertEquals(List.of(), b.load());

        b.replace(aor, List.of(binding(aor, "<sip:1001@10.0.0.1;transport=tls>")));

        assertEquals(List.of(), a.load(), "the phone moved to node B under the same key");
        assertEquals(1, b.load().size());
    }
}
