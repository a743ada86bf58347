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
    private final SharedCommits shared;
    private final WritesBehind behind;

    private Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.shared = new SharedCommits(dataSource);
        this.behind = new WritesBehind(shared);
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
        List<Runnable> committed = openAfterCommitScope();
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
            closeAfterCommitScope();
        }
        committed.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code work} in a transaction it may share with the works other threads hand in at the same
     * time (group commit): each work runs in a savepoint of its own, so one that throws is undone alone
     * and only its caller gets the error, and this returns once the commit that carried the work is
     * durable. For short independent writes that many requests make at once, such as the contacts of
     * a boot storm's phones; a work must not depend on what the others in its transaction write.
     *
     * @throws IllegalStateException when called inside a {@link #transaction} or a shared one
     */
    public <T> T sharedTransaction(SqlWork<T> work) {
        refuseInsideTransaction("a shared transaction cannot run inside another transaction");
        return shared.run(work);
    }

    /**
     * Hands {@code work} in to be committed shortly, in a transaction shared with others, without
     * waiting for it: for history no answer depends on (see {@link WritesBehind}). A failure is logged
     * and counted, not thrown, unless too many works are queued and this thread commits its own.
     *
     * @throws IllegalStateException when called inside a {@link #transaction} or a shared one
     */
    public void writeBehind(SqlWork<?> work) {
        refuseInsideTransaction("a write behind cannot be handed in inside a transaction");
        behind.write(work);
    }

    /**
     * Returns once every {@linkplain #writeBehind write behind} handed in before the call is durable;
     * readers of what is written behind call it first, to read what this process was told to write.
     *
     * @throws IllegalStateException when called inside a {@link #transaction} or a shared one
     */
    public void awaitWritesBehind() {
        refuseInsideTransaction("writes behind cannot be awaited inside a transaction");
        behind.await();
    }

    /**
     * Shared and written-behind works run on a connection of their own, which may wait for the
     * write turn this thread's transaction holds: from inside one, they are refused with {@code why}.
     */
    private static void refuseInsideTransaction(String why) {
        if (!AFTER_COMMIT.get().isEmpty()) {
            throw new IllegalStateException(why);
        }
    }

    /** Writes behind queued now, and those that failed since start. */
    public long[] writesBehind() {
        return new long[] {behind.queued(), behind.failures()};
    }

    /** Commits the writes behind still queued; later ones are committed by their writers' threads. */
    public void close() {
        behind.close();
    }

    /** Shared transactions committed so far, and the works they carried. */
    public long[] sharedCommits() {
        return shared.counts();
    }

    SharedCommits shared() {
        return shared;
    }

    /**
     * Opens, on this thread, the scope {@link #afterCommit} gathers tasks in until the scope is
     * closed: one per transaction, or per work of a shared one.
     */
    static List<Runnable> openAfterCommitScope() {
        List<Runnable> tasks = new ArrayList<>(0);
        AFTER_COMMIT.get().push(tasks);
        return tasks;
    }

    /** Closes this thread's innermost after-commit scope. */
    static void closeAfterCommitScope() {
        AFTER_COMMIT.get().pop();
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
