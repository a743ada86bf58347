package io.hub.app.crash;

import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The store the crash loop's hubs write to. On H2 the database is the file in each home, copied
 * with the home; on PostgreSQL every home (seed, measure, round-N) has a database of its own in one
 * throwaway cluster, the rounds' created from the seeded one as a template, so that every round
 * starts from the same state as on H2.
 */
interface CrashDatabase extends AutoCloseable {

    /**
     * Makes the database of the home named {@code name} ready: empty for the seed, a copy of the seed's
     * otherwise. Call it after the seed's hub stopped (a template must have no connections).
     *
     * @return the URL the hub is started with ({@code --database-url}), or null for the home's H2 file
     */
    String prepare(String name, boolean seed);

    /** Opens the database of home {@code home} named {@code name} for the checker. */
    Connection open(Path home, String name) throws SQLException;

    /** Removes the database of the home named {@code name} (nothing on H2: it goes with the home). */
    void discard(String name);

    /** What the loop's summary names the store. */
    String describe();

    @Override
    void close();

    /** The H2 file in each home's {@code db/}, the hub's default store. */
    static CrashDatabase h2() {
        return new CrashDatabase() {
            @Override
            public String prepare(String name, boolean seed) {
                return null;
            }

            @Override
            public Connection open(Path home, String name) throws SQLException {
                return DriverManager.getConnection("jdbc:h2:file:" + home.resolve("db").resolve("hub").toAbsolutePath());
            }

            @Override
            public void discard(String name) {
                // the file is deleted with its home
            }

            @Override
            public String describe() {
                return "H2";
            }

            @Override
            public void close() {
                // nothing started
            }
        };
    }

    /** A PostgreSQL cluster started now (initdb in a temporary directory) and removed by {@link #close}. */
    static CrashDatabase postgresql() {
        TestPostgres cluster = TestPostgres.start();
        return new CrashDatabase() {
            @Override
            public String prepare(String name, boolean seed) {
                String database = databaseName(name);
                cluster.dropDatabase(database);
                return cluster.copyDatabase(seed ? "template0" : databaseName("seed"), database);
            }

            @Override
            public Connection open(Path home, String name) throws SQLException {
                return DriverManager.getConnection(cluster.url(databaseName(name)));
            }

            @Override
            public void discard(String name) {
                cluster.dropDatabase(databaseName(name));
            }

            @Override
            public String describe() {
                return "PostgreSQL";
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    /** {@code round-7} becomes {@code crash_round_7}. */
    static String databaseName(String home) {
        return "crash_" + home.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }
}
