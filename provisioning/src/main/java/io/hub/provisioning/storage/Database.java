package io.hub.provisioning.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning database: a HikariCP pool over the embedded H2 file database by default, or any
 * JDBC URL (PostgreSQL) given instead. The schema is brought up to date by Flyway once, at open.
 *
 * <p>H2 runs with {@code WRITE_DELAY=0}: its default delay of half a second acknowledges commits
 * that a kill -9 then loses, and an import the admin was told succeeded must survive. H2 is pinned
 * to 2.4 because 2.5's recovery leaves part of a commit that a kill -9 cut short (docs/ARCHITECTURE.md,
 * Storage). A database file H2 cannot read stops {@link #open} with a {@link DatabaseFileException}.
 *
 * <p>The H2 directory is made 0700 and its files 0600 at open and again at close (H2 creates its
 * files with the umask's modes; the directory already keeps others out of any file made between).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String FILE_NAME = "hub";

    private final HikariDataSource dataSource;
    private final Path privateDirectory;

    private Database(HikariDataSource dataSource, Path privateDirectory) {
        this.dataSource = dataSource;
        this.privateDirectory = privateDirectory;
    }

    /**
     * Opens the database and migrates its schema.
     *
     * @param jdbcUrl a JDBC URL, or null for the H2 file in {@code directory}
     * @throws DatabaseFileException when the H2 file exists but is corrupt, empty or from a newer H2
     */
    public static Database open(String jdbcUrl, Path directory) {
        String url = jdbcUrl != null ? jdbcUrl : h2Url(directory);
        Path privateDirectory = jdbcUrl != null ? null : directory;
        tighten(privateDirectory);
        if (jdbcUrl == null) {
            DatabaseFileCheck.check(url, directory.toAbsolutePath().resolve(FILE_NAME + DatabaseFileCheck.FILE_SUFFIX));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("hub-db");
        config.setMaximumPoolSize(8);
        config.setAutoCommit(true);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        tighten(privateDirectory);
        LOG.info("database open url={}", url.replaceAll("password=[^;&]*", "password=***"));
        return new Database(dataSource, privateDirectory);
    }

    private static void tighten(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            PrivateFiles.tighten(directory);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot make the database directory " + directory + " private: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(FILE_NAME) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
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

    @Override
    public void close() {
        dataSource.close();
        try {
            tighten(privateDirectory);
        } catch (IllegalStateException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
