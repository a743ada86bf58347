package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compaction H2 skips with {@code WRITE_DELAY=0}: many small commits leave sparse chunks behind,
 * and the housekeeping's ticks move their live pages so the chunks are full again, with every row
 * kept. The test's database frees emptied chunks at once ({@code RETENTION_TIME=0}) so the fill rate
 * shows the effect without waiting for the retention; the hub's is {@link H2Housekeeping#RETENTION_MILLIS},
 * set at start, and it forces the file to the disk every {@link H2Housekeeping#SYNC_MILLIS}.
 */
class H2HousekeepingTest {

    private static final int ROWS = 200;
    private static final int COMMITS = 3_000;

    @TempDir
    Path dir;
    private Connection held;

    private JdbcDataSource churned(String name) throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0;RETENTION_TIME=0");
        held = h2.getConnection(); // keeps the database open between the test's own connections
        try (Statement create = held.createStatement()) {
            create.execute("CREATE TABLE binding (id INT PRIMARY KEY, contact VARCHAR(200), refreshed BIGINT)");
            create.execute("CREATE TABLE other (id INT PRIMARY KEY, note VARCHAR(200))");
            create.execute("INSERT INTO other SELECT x, 'written once and never again ' || x FROM SYSTEM_RANGE(1, 2000)");
            create.execute("INSERT INTO binding SELECT x, 'sip:' || x || '@127.0.0.1:5061;transport=tls', 0 "
                    + "FROM SYSTEM_RANGE(1, " + ROWS + ")");
        }
        try (PreparedStatement refresh = held.prepareStatement("UPDATE binding SET refreshed = ? WHERE id = ?")) {
            for (int i = 0; i < COMMITS; i++) {
                refresh.setLong(1, i);
                refresh.setInt(2, 1 + i % ROWS);
                refresh.executeUpdate(); // autocommit: one chunk per commit, as REGISTERs made
            }
        }
        return h2;
    }

    @AfterEach
    void close() throws SQLException {
        if (held != null) {
            held.close();
        }
    }

    @Test
    void ticksMoveTheLivePagesOfSparseChunksAndKeepEveryRow() throws Exception {
        JdbcDataSource h2 = churned("kept");
        H2Housekeeping housekeeping = new H2Housekeeping(h2, new OneWriterAtATime(h2));
        int before = housekeeping.chunksFillPercent();
        assertTrue(before < H2Housekeeping.TARGET_FILL_PERCENT, "the churn left sparse chunks: " + before + " %");

        boolean moved = false;
        for (int i = 0; i < 100 && housekeeping.chunksFillPercent() < H2Housekeeping.TARGET_FILL_PERCENT; i++) {
            moved |= housekeeping.tick();
            commitOne(); // a commit frees the chunks the tick emptied
        }

        assertTrue(moved, "a tick moved live pages");
        int after = housekeeping.chunksFillPercent();
        assertTrue(after >= H2Housekeeping.TARGET_FILL_PERCENT, "chunks are full again: " + before + " % -> " + after + " %");
        assertEquals(ROWS, count("binding"));
        assertEquals(2000, count("other"));
        assertEquals(COMMITS - 1, maxRefreshed(), "the last refresh is the one kept");
    }

    @Test
    void withoutTicksTheChunksStaySparse() throws Exception {
        JdbcDataSource h2 = churned("left");
        H2Housekeeping housekeeping = new H2Housekeeping(h2, new OneWriterAtATime(h2));
        for (int i = 0; i < 10; i++) {
            commitOne();
        }

        assertTrue(housekeeping.chunksFillPercent() < H2Housekeeping.TARGET_FILL_PERCENT,
                "H2 with WRITE_DELAY=0 does not compact by itself: " + housekeeping.chunksFillPercent() + " %");
    }

    @Test
    void aTickWaitsForTheTransactionThatIsWritingAsAnotherWriterWould() throws Exception {
        JdbcDataSource h2 = churned("gated");
        OneWriterAtATime writers = new OneWriterAtATime(h2);
        H2Housekeeping housekeeping = new H2Housekeeping(h2, writers);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection writer = writers.getConnection()) {
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("UPDATE other SET note = 'half-way' WHERE id = 2");
            }
            Future<Boolean> tick = other.submit(housekeeping::tick);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (writers.waiting() == 0 && !tick.isDone() && System.nanoTime() < giveUp) {
                Thread.yield(); // the tick's thread reaches the turn's queue; bounded by the deadline
            }

            assertEquals(1, writers.waiting(), "the tick waits for the open writing transaction");
            assertFalse(tick.isDone());
            writer.commit();
            tick.get(30, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertEquals(0, writers.waiting());
    }

    @Test
    void startShortensTheRetentionOfUnusedChunksThatTheSyncsMakeSafe() throws Exception {
        JdbcDataSource h2 = newDatabase("synced");
        H2Housekeeping housekeeping = new H2Housekeeping(h2, new OneWriterAtATime(h2));
        assertEquals(45_000, housekeeping.retentionMillis(), "H2's own default");
        housekeeping.sync();
        housekeeping.sync();
        assertEquals(2, housekeeping.syncs());

        housekeeping.start();
        try {
            assertEquals(H2Housekeeping.RETENTION_MILLIS, housekeeping.retentionMillis());
        } finally {
            housekeeping.close();
        }
        // The retention is only safe while the forces come several times within it.
        assertTrue(H2Housekeeping.RETENTION_MILLIS >= 8 * H2Housekeeping.SYNC_MILLIS);
    }

    @Test
    void syncsAndTicksOpenNoSessionOnceTheStoreIsKnownAndLookAgainWhenItWasClosed() throws Exception {
        JdbcDataSource h2 = newDatabase("known");
        H2Housekeeping housekeeping = new H2Housekeeping(h2, new OneWriterAtATime(h2));
        int before = sessionId(h2);
        for (int i = 0; i < 5; i++) {
            housekeeping.sync();
            housekeeping.tick();
        }
        // H2 numbers sessions in the order they open: one for the lookup, one for this count.
        assertEquals(before + 2, sessionId(h2), "one session to find the store, none after");
        assertEquals(5, housekeeping.syncs());

        // The last session gone, H2 closes the database; the next one opens it with a new store.
        held.close();
        held = h2.getConnection();
        housekeeping.sync();
        assertEquals(6, housekeeping.syncs(), "the reopened store is synced, not the closed one skipped");
    }

    /** An empty database with the hub's write setting, kept open by {@link #held}. */
    private JdbcDataSource newDatabase(String name) throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0");
        held = h2.getConnection();
        return h2;
    }

    private static int sessionId(JdbcDataSource h2) throws SQLException {
        try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT SESSION_ID()")) {
            row.next();
            return row.getInt(1);
        }
    }

    private void commitOne() throws SQLException {
        try (Statement statement = held.createStatement()) {
            statement.executeUpdate("UPDATE other SET note = note WHERE id = 1");
        }
    }

    private int count(String table) throws SQLException {
        try (Statement statement = held.createStatement(); ResultSet row = statement.executeQuery(
                "SELECT COUNT(*) FROM " + table)) {
            row.next();
            return row.getInt(1);
        }
    }

    private long maxRefreshed() throws SQLException {
        try (Statement statement = held.createStatement(); ResultSet row = statement.executeQuery(
                "SELECT MAX(refreshed) FROM binding")) {
            row.next();
            return row.getLong(1);
        }
    }
}
