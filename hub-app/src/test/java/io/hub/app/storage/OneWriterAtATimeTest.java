package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneWriterAtATimeTest {

    @TempDir
    Path dir;

    private OneWriterAtATime gate;

    @BeforeEach
    void openDatabase() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(HubDatabase.h2Url(dir));
        gate = new OneWriterAtATime(h2);
        try (Connection connection = gate.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
    }

    @Test
    void plainQueriesAreToldFromStatementsThatChangeOrLock() {
        assertTrue(OneWriterAtATime.isPlainQuery("SELECT mac FROM device"));
        assertTrue(OneWriterAtATime.isPlainQuery("  (select 1) union (select 2)"));
        assertTrue(OneWriterAtATime.isPlainQuery("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertFalse(OneWriterAtATime.isPlainQuery("SELECT id FROM t WHERE id = 1 FOR UPDATE"));
        assertFalse(OneWriterAtATime.isPlainQuery("INSERT INTO t VALUES (1)"));
        assertFalse(OneWriterAtATime.isPlainQuery("update t set id = 2"));
        assertFalse(OneWriterAtATime.isPlainQuery("MERGE INTO t KEY (id) VALUES (1)"));
        assertFalse(OneWriterAtATime.isPlainQuery("BACKUP TO 'x.zip'"));
        assertFalse(OneWriterAtATime.isPlainQuery("CREATE TABLE u (id INT)"));
    }

    @Test
    void aSecondWriterWaitsForTheFirstToCommitWhileReadersGoOn() throws Exception {
        try (Connection first = gate.getConnection()) {
            first.setAutoCommit(false);
            insert(first, 1);

            CompletableFuture<Void> second = insertElsewhere(2);
            awaitWaiting(1);
            assertFalse(second.isDone());
            try (Connection reader = gate.getConnection()) {
                assertEquals(0, count(reader), "a reader sees no uncommitted row and does not wait");
            }

            first.commit();
            second.get(30, TimeUnit.SECONDS);
        }
        try (Connection reader = gate.getConnection()) {
            assertEquals(2, count(reader));
        }
    }

    @Test
    void rollbackCloseAndAbortEndTheTurnAsCommitDoes() throws Exception {
        try (Connection first = gate.getConnection()) {
            first.setAutoCommit(false);
            insert(first, 1);
            first.rollback();
        }
        Connection open = gate.getConnection();
        open.setAutoCommit(false);
        insert(open, 2);
        open.close();
        insertElsewhere(3).get(30, TimeUnit.SECONDS);
        Connection aborted = gate.getConnection();
        aborted.setAutoCommit(false);
        insert(aborted, 4);
        aborted.abort(Runnable::run);
        insertElsewhere(5).get(30, TimeUnit.SECONDS);
        try (Connection reader = gate.getConnection()) {
            assertEquals(2, count(reader), "only the autocommitted rows 3 and 5 are there");
        }
    }

    @Test
    void theWritingThreadMayWriteThroughASecondConnection() throws Exception {
        try (Connection outer = gate.getConnection(); Connection inner = gate.getConnection()) {
            outer.setAutoCommit(false);
            insert(outer, 1);
            inner.setAutoCommit(false);
            insert(inner, 2);
            inner.commit();
            outer.commit();
        }
        insertElsewhere(3).get(30, TimeUnit.SECONDS);
        try (Connection reader = gate.getConnection()) {
            assertEquals(3, count(reader));
        }
    }

    /** Inserts {@code id} from another thread, autocommitted. */
    private CompletableFuture<Void> insertElsewhere(int id) {
        return CompletableFuture.runAsync(() -> {
            try (Connection connection = gate.getConnection()) {
                insert(connection, id);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitWaiting(int writers) throws InterruptedException {
        for (int i = 0; i < 3_000 && gate.waiting() < writers; i++) {
            Thread.sleep(10);
        }
        assertEquals(writers, gate.waiting());
    }

    private static void insert(Connection connection, int id) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO t VALUES (" + id + ")");
        }
    }

    private static int count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            row.next();
            return row.getInt(1);
        }
    }
}
