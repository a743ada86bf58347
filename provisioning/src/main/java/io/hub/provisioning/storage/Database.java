package io.hub.provisioning.storage;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Provisioning's tables in the hub's database: the pool is hub-app's (it is opened, checked and
 * closed there), the schema and the transactions are provisioning's. {@link #migrate} brings the
 * schema up to date with Flyway's default history table, once, at start.
 */
public final class Database {

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
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
