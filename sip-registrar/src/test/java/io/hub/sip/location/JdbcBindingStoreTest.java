package io.hub.sip.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several AORs' binding sets in one transaction: all of them or none. */
class JdbcBindingStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    private HikariDataSource database;
    private JdbcBindingStore store;

    @BeforeEach
    void open() {
        database = new HikariDataSource();
        database.setJdbcUrl("jdbc:h2:file:" + dir.resolve("hub") + ";WRITE_DELAY=0");
        store = new JdbcBindingStore(database);
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

    private List<String> rows() {
        return store.load().stream().map(b -> b.aor() + " " + b.contact()).sorted().toList();
    }
}
