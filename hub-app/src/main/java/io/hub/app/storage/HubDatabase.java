package io.hub.app.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one database pool, which every module that keeps tables is handed: HikariCP over the
 * embedded H2 file by default, or over any JDBC URL (PostgreSQL) given instead. Each module migrates
 * its own schema with Flyway over the pool it is given; this class knows no table.
 *
 * <p>H2 runs with {@code WRITE_DELAY=0}: its default delay of half a second acknowledges commits
 * that a kill -9 then loses, and an import the admin was told succeeded must survive. H2 is pinned
 * to 2.4 because 2.5's recovery leaves part of a commit that a kill -9 cut short (docs/ARCHITECTURE.md,
 * Storage; {@code CommitCrashTest}). A database file H2 cannot read stops {@link #open} with a
 * {@link DatabaseFileException} before the pool touches it.
 *
 * <p>The H2 directory is made 0700 and its files 0600 at open and again at close (H2 creates its
 * files with the umask's modes; the directory already keeps others out of any file made between).
 */
public final class HubDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);
    private static final String FILE_NAME = "hub";
    private static final int POOL_SIZE = 8;
    /**
     * How long a request waits for a connection before it is answered 503 storage-unavailable:
     * Hikari's default of 30 s outlasts a phone's own request timeout, so the answer would reach nobody.
     */
    private static final long CONNECTION_WAIT_MILLIS = 5_000;

    private final HikariDataSource pool;
    private final Path privateDirectory;

    private HubDatabase(HikariDataSource pool, Path privateDirectory) {
        this.pool = pool;
        this.privateDirectory = privateDirectory;
    }

    /**
     * Opens the pool; the schema is left to the modules.
     *
     * @param jdbcUrl a JDBC URL, or null for the H2 file in {@code directory}
     * @throws DatabaseFileException when the H2 file exists but is corrupt, empty or from a newer H2
     * @throws IllegalStateException when the database directory cannot be made private
     */
    public static HubDatabase open(String jdbcUrl, Path directory) {
        String url = jdbcUrl != null ? jdbcUrl : h2Url(directory);
        Path privateDirectory = jdbcUrl != null ? null : directory;
        tighten(privateDirectory);
        if (jdbcUrl == null) {
            DatabaseFileCheck.check(url, directory.toAbsolutePath().resolve(FILE_NAME + DatabaseFileCheck.FILE_SUFFIX));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("hub-db");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setConnectionTimeout(CONNECTION_WAIT_MILLIS);
        config.setAutoCommit(true);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            tighten(privateDirectory);
        } catch (IllegalStateException e) {
            pool.close();
            throw e;
        }
        LOG.info("database open url={}", url.replaceAll("password=[^;&]*", "password=***"));
        return new HubDatabase(pool, privateDirectory);
    }

    /** The JDBC URL of the hub's H2 file in {@code directory}. */
    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(FILE_NAME) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Closes the pool, then makes the files H2 created since the open private too. */
    @Override
    public void close() {
        pool.close();
        try {
            tighten(privateDirectory);
        } catch (IllegalStateException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    private static void tighten(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Provisioning.privateDirectory(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the database directory " + directory + " private: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }
}
