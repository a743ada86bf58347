package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.storage.Database;
import io.hub.sip.SipSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 file's schema migrations are all or nothing: H2 commits each DDL statement by itself, so a
 * migration cut short (a kill, a failure) leaves part of it behind, which the next start puts back
 * from the copy taken before it.
 */
class MigrationSnapshotTest {

    /** Stands for a kill -9 inside a migration: nothing after it runs. */
    private static final class CutShort extends RuntimeException {
    }

    @TempDir
    Path dir;

    @Test
    void aMigrationCutShortIsPutBackAtTheNextOpenAndDoneAgain() throws Exception {
        Path directory = dir.resolve("db");
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            DataSource pool = database.dataSource();
            Database.migrate(pool).transaction(connection -> connection.createStatement()
                    .executeUpdate("INSERT INTO tenant (id, name, created_at) VALUES ('kept', 'Kept', CURRENT_TIMESTAMP)"));
            // The registrar's first migration begun and cut short after its first statement: H2 kept
            // the table, and no history records it.
            assertThrows(CutShort.class, () -> MigrationSnapshot.migrate(pool, directory, SchemaVersions.requireKnown(pool, "db"),
                    () -> {
                        execute(pool, "CREATE TABLE sip_binding (aor VARCHAR(255))");
                        throw new CutShort();
                    }));
            assertTrue(Files.exists(directory.resolve(MigrationSnapshot.FILE)), "the copy stays while cut short");
            assertTrue(tableExists(pool, "SIP_BINDING"), "what was cut short stays in the file");
            assertThrows(org.flywaydb.core.api.FlywayException.class, () -> SipSchema.migrate(pool),
                    "without the copy the registrar's migration fails from now on: its table is there already");
        }

        try (HubDatabase database = HubDatabase.open(null, directory)) {
            DataSource pool = database.dataSource();
            assertFalse(tableExists(pool, "SIP_BINDING"), "put back as before the migration");
            database.migrate();

            assertFalse(Files.exists(directory.resolve(MigrationSnapshot.FILE)), "the copy is gone once migrated");
            assertFalse(SchemaVersions.requireKnown(pool, "db"), "every module's migrations applied");
            assertTrue(tableExists(pool, "SIP_BINDING"));
            try (Connection connection = pool.getConnection();
                    ResultSet kept = connection.createStatement().executeQuery("SELECT name FROM tenant WHERE id = 'kept'")) {
                assertTrue(kept.next(), "what was committed before the migration is there");
                assertEquals("Kept", kept.getString(1));
            }
            // The modules' own migrations as they start find nothing left to do.
            SipSchema.migrate(pool);
            Database.migrate(pool);
        }
    }

    @Test
    void aCopyCutShortIsDroppedAndTheDatabaseUsedAsItIs() throws Exception {
        Path directory = dir.resolve("db");
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            database.migrate();
        }
        Files.write(directory.resolve(MigrationSnapshot.FILE + ".part"), new byte[] {1, 2, 3});

        try (HubDatabase database = HubDatabase.open(null, directory)) {
            assertFalse(Files.exists(directory.resolve(MigrationSnapshot.FILE + ".part")));
            assertFalse(SchemaVersions.requireKnown(database.dataSource(), "db"));
            database.migrate();
        }
        assertFalse(Files.exists(directory.resolve(MigrationSnapshot.FILE)));
    }

    @Test
    void aDatabaseWithNothingToMigrateIsNotCopied() throws Exception {
        Path directory = dir.resolve("db");
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            assertTrue(SchemaVersions.requireKnown(database.dataSource(), "db"), "a new database has every migration to run");
            database.migrate();
            assertFalse(SchemaVersions.requireKnown(database.dataSource(), "db"));
        }
        long[] taken = {0};
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            boolean pending = SchemaVersions.requireKnown(database.dataSource(), "db");
            assertFalse(pending, "every migration applied");
            MigrationSnapshot.migrate(database.dataSource(), directory, pending, () -> taken[0]++);
        }
        assertEquals(0, taken[0], "nothing pending, nothing run");
        assertFalse(Files.exists(directory.resolve(MigrationSnapshot.FILE)));
    }

    /**
     * A copy put back for a hub with nothing to migrate on it (an older hub started after a newer
     * one's migration was cut short) is dropped, so no later start puts it back over newer rows.
     */
    @Test
    void aCopyPutBackForAHubWithNothingToMigrateIsDropped() throws Exception {
        Path directory = dir.resolve("db");
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            database.migrate();
            execute(database.dataSource(), "BACKUP TO '" + directory.resolve(MigrationSnapshot.FILE) + "'");
        }
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            assertTrue(Files.exists(directory.resolve(MigrationSnapshot.FILE)), "put back, kept until migrated");
            database.migrate();
            assertFalse(Files.exists(directory.resolve(MigrationSnapshot.FILE)), "nothing to migrate: dropped");
            Database.migrate(database.dataSource()).transaction(connection -> connection.createStatement()
                    .executeUpdate("INSERT INTO tenant (id, name, created_at) VALUES ('new', 'New', CURRENT_TIMESTAMP)"));
        }
        try (HubDatabase database = HubDatabase.open(null, directory);
                Connection connection = database.dataSource().getConnection();
                ResultSet row = connection.createStatement().executeQuery("SELECT name FROM tenant WHERE id = 'new'")) {
            assertTrue(row.next(), "a row written after the copy was dropped stays");
        }
    }

    private static void execute(DataSource pool, String sql) {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tableExists(DataSource pool, String name) throws Exception {
        try (Connection connection = pool.getConnection();
                ResultSet tables = connection.getMetaData().getTables(null, null, name, null)) {
            return tables.next();
        }
    }
}
