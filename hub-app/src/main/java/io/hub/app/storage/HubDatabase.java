package io.hub.app.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one database pool, which every module that keeps tables is handed: HikariCP over the
 * embedded H2 file by default, or over PostgreSQL ({@code jdbc:postgresql://HOST:PORT/DB?user=…&password=…})
 * given instead. Each module migrates its own schema with Flyway over the pool it is given; this
 * class knows no table.
 *
 * <p>PostgreSQL is a server that can go away and come back: a request waits at most
 * {@link #CONNECTION_WAIT_MILLIS} for a connection (then the API answers 503 storage-unavailable),
 * the driver gives up connecting after {@link #CONNECT_SECONDS} and on a silent socket after
 * {@link #SOCKET_SECONDS} (unless the URL says otherwise), and the pool replaces broken connections
 * by itself once the server answers again, so the hub recovers without a restart.
 *
 * <p>H2 runs with {@code WRITE_DELAY=0}: its default delay of half a second acknowledges commits
 * that a kill -9 then loses, and an import the admin was told succeeded must survive. Its connections
 * let one writing transaction be open at a time ({@link OneWriterAtATime} says why). H2 is pinned
 * to 2.4 because 2.5's recovery leaves part of a commit that a kill -9 cut short (docs/ARCHITECTURE.md,
 * Storage; {@code CommitCrashTest}). That setting also stops H2's own chunk compaction, which
 * {@link H2Housekeeping} runs instead. A database file H2 cannot read stops {@link #open} with a
 * {@link DatabaseFileException} before the pool touches it, and so does a database whose schema a
 * newer hub migrated ({@link SchemaVersions}).
 *
 * <p>The H2 directory is made 0700 and its files 0600 at open and again at close (H2 creates its
 * files with the umask's modes; the directory already keeps others out of any file made between).
 */
public final class HubDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);
    private static final String FILE_NAME = "hub";
    /** The pool's default size: enough for the HTTPS and SIP threads that touch the database at once. */
    public static final int DEFAULT_POOL_SIZE = 8;
    /**
     * How many parsed statements each H2 connection keeps. H2 keeps 8 by default, fewer than the
     * distinct statements of one phone's boot (its device, settings, firmware target, certificate
     * sighting, history and audit rows), so on a pooled connection nearly every statement was
     * parsed and planned again: 6 % of the Java samples of a boot storm were H2's parser.
     */
    static final int STATEMENTS_KEPT = 128;
    private static final long CONNECT_SECONDS = 5;
    /** Longer than any statement of the hub takes; a server that stopped answering frees the thread. */
    private static final long SOCKET_SECONDS = 60;
    /**
     * How long a request waits for a connection before it is answered 503 storage-unavailable:
     * Hikari's default of 30 s outlasts a phone's own request timeout, so the answer would reach nobody.
     */
    private static final long CONNECTION_WAIT_MILLIS = 5_000;

    private final HikariDataSource pool;
    private final Path privateDirectory;
    private final H2Housekeeping housekeeping;
    /** Whether a module had migrations to apply when the database was opened. */
    private final boolean migrationsPending;

    private HubDatabase(HikariDataSource pool, Path privateDirectory, H2Housekeeping housekeeping,
            boolean migrationsPending) {
        this.pool = pool;
        this.privateDirectory = privateDirectory;
        this.housekeeping = housekeeping;
        this.migrationsPending = migrationsPending;
    }

    /** How many connections the pool keeps: at most {@code maximum}, at least {@code minimumIdle} idle. */
    public record PoolSize(int maximum, int minimumIdle) {

        public static final PoolSize DEFAULT = new PoolSize(DEFAULT_POOL_SIZE, DEFAULT_POOL_SIZE);

        /** @throws IllegalArgumentException unless {@code 1 <= maximum <= 1000} and {@code 0 <= minimumIdle <= maximum} */
        public PoolSize {
            if (maximum < 1 || maximum > 1000) {
                throw new IllegalArgumentException("the pool size " + maximum + " is not from 1 to 1000");
            }
            if (minimumIdle < 0 || minimumIdle > maximum) {
                throw new IllegalArgumentException("the idle minimum " + minimumIdle + " is not from 0 to the pool size "
                        + maximum);
            }
        }
    }

    /** Opens the pool with the default size; see {@link #open(String, Path, PoolSize)}. */
    public static HubDatabase open(String jdbcUrl, Path directory) {
        return open(jdbcUrl, directory, PoolSize.DEFAULT);
    }

    /**
     * Opens the pool; the schema is left to the modules.
     *
     * @param jdbcUrl a JDBC URL ({@code jdbc:postgresql:} or {@code jdbc:h2:}), or null for the H2 file in
     *     {@code directory}
     * @throws DatabaseFileException when the H2 file exists but is corrupt, empty or from a newer H2
     * @throws DatabaseUnreachableException when the database server cannot be reached or refuses the login
     * @throws IllegalStateException when the database directory cannot be made private
     */
    public static HubDatabase open(String jdbcUrl, Path directory, PoolSize size) {
        String url = jdbcUrl != null ? jdbcUrl : h2Url(directory);
        Path privateDirectory = jdbcUrl != null ? null : directory;
        tighten(privateDirectory);
        if (jdbcUrl == null) {
            MigrationSnapshot.restoreInterrupted(directory, FILE_NAME);
            DatabaseFileCheck.check(url, directory.toAbsolutePath().resolve(FILE_NAME + DatabaseFileCheck.FILE_SUFFIX));
        }
        HikariConfig config = new HikariConfig();
        H2Housekeeping housekeeping = null;
        if (isH2(url)) {
            // One writing transaction at a time: OneWriterAtATime says why.
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL(url);
            OneWriterAtATime writers = new OneWriterAtATime(h2);
            config.setDataSource(writers);
            housekeeping = new H2Housekeeping(h2, writers);
        } else {
            config.setJdbcUrl(url);
        }
        config.setPoolName("hub-db");
        config.setMaximumPoolSize(size.maximum());
        config.setMinimumIdle(size.minimumIdle());
        config.setConnectionTimeout(CONNECTION_WAIT_MILLIS);
        config.setAutoCommit(true);
        if (isPostgres(url)) {
            // Driver properties; a parameter of the same name in the URL wins.
            config.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_SECONDS));
            config.addDataSourceProperty("socketTimeout", Long.toString(SOCKET_SECONDS));
            config.addDataSourceProperty("ApplicationName", "hub");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnreachableException("cannot connect to the database " + redacted(url) + ": "
                    + rootMessage(e));
        }
        boolean migrationsPending;
        try {
            tighten(privateDirectory);
            migrationsPending = SchemaVersions.requireKnown(pool, jdbcUrl != null ? redacted(url)
                    : directory.toAbsolutePath().resolve(FILE_NAME + DatabaseFileCheck.FILE_SUFFIX).toString());
        } catch (IllegalStateException | DatabaseFileException e) {
            pool.close();
            throw e;
        }
        LOG.info("database open url={} pool={} idle={}", redacted(url), size.maximum(), size.minimumIdle());
        if (housekeeping != null) {
            housekeeping.start();
        }
        return new HubDatabase(pool, privateDirectory, housekeeping, migrationsPending);
    }

    /** True for a PostgreSQL JDBC URL. */
    public static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
    }

    private static boolean isH2(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    /** {@code jdbcUrl} with its password hidden, for logs and messages. */
    public static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)password=[^;&]*", "password=***");
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return redacted(String.valueOf(root.getMessage()));
    }

    /** The JDBC URL of the hub's H2 file in {@code directory}. */
    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(FILE_NAME) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                + ";QUERY_CACHE_SIZE=" + STATEMENTS_KEPT;
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * Migrates every module's schema before the modules start, once, right after {@link #open} (whose
     * reading of the histories says whether anything is pending). On the H2 file that is all of it or,
     * after a kill, none ({@link MigrationSnapshot}); on PostgreSQL each module migrates as it starts,
     * each migration a transaction of its own.
     */
    public void migrate() {
        if (privateDirectory != null) {
            MigrationSnapshot.migrate(pool, privateDirectory, migrationsPending,
                    () -> SchemaVersions.migrateAll(pool));
        }
    }

    /** Closes the pool, then makes the files H2 created since the open private too. */
    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.close();
        }
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
