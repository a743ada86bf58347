package io.hub.provisioning;

import com.zaxxer.hikari.HikariDataSource;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * A database for tests (H2 on disk unless a {@link TestStore} is named), pooled and migrated as the
 * hub's is (the hub's own pool is hub-app's {@code HubDatabase}; provisioning only migrates and uses
 * the one it is given).
 */
public final class TestDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final Database database;

    private TestDatabase(HikariDataSource pool, Database database) {
        this.pool = pool;
        this.database = database;
    }

    /** A pool over {@code directory}'s H2 file with provisioning's schema migrated. */
    public static TestDatabase open(Path directory) {
        return open(TestStore.H2, directory);
    }

    /** A pool over a new database of {@code store} with provisioning's schema migrated. */
    public static TestDatabase open(TestStore store, Path directory) {
        HikariDataSource pool = store.pool(directory);
        try {
            return new TestDatabase(pool, Database.migrate(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A pool over {@code directory}'s H2 file, schema untouched. */
    public static HikariDataSource pool(Path directory) {
        return TestStore.H2.pool(directory);
    }

    /** The H2 URL of the file in {@code directory}, with the hub's settings. */
    public static String url(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("hub") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * A tenant row named {@code id} with a token nobody holds, for tests that write devices without
     * going through {@code Tenants} (a crash child, a journal or audit test).
     */
    public static void insertTenant(Database database, String id) {
        database.transaction(connection -> {
            try (PreparedStatement tenant = connection.prepareStatement(
                    "INSERT INTO tenant (id, name, token_sha256, created_at) VALUES (?, ?, ?, ?)")) {
                Rows.bind(tenant, id, id, "0".repeat(64), Instant.EPOCH);
                tenant.executeUpdate();
            }
            return null;
        });
    }

    public Database database() {
        return database;
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
