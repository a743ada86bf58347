package io.hub.provisioning.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Provisioning's tables in the hub's database: the pool is hub-app's (it is opened, checked and
 * closed there), the schema and the transactions are provisioning's. {@link #migrate} brings the
 * schema up to date with Flyway's default history table, once, at start.
 */
public final class Database {

    private static final ThreadLocal<Deque<List<Runnable>>> AFTER_COMMIT = ThreadLocal.withInitial(ArrayDeque::new);

    private final DataSource dataSource;

    private Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Migrates provisioning's schema ({@code classpath:db/migration}) over {@code dataSource}.
     *
     * @throws org.flywaydb.core.api.FlywayException when a migration fails or the history does not match
     */
    public static Database migrate(DataSource dataSource) {
        schema(dataSource).migrate();
        return new Database(dataSource);
    }

    /** Provisioning's migrations over {@code dataSource}, to migrate or to read what is applied. */
    public static Flyway schema(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     */
    public <T> T transaction(SqlWork<T> work) {
        List<Runnable> committed = new ArrayList<>(0);
        Deque<List<Runnable>> open = AFTER_COMMIT.get();
        open.push(committed);
        T result;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                result = work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        } finally {
            open.pop();
        }
        committed.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code task} once the transaction this thread is in has committed (never when it rolls
     * back), or now when the thread is in none of {@link #transaction}'s. Caches of what was
     * written are told here: told before the commit, a reader could load and keep the old rows.
     */
    public static void afterCommit(Runnable task) {
        List<Runnable> current = AFTER_COMMIT.get().peek();
        if (current == null) {
            task.run();
        } else {
            current.add(task);
        }
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
