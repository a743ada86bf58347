package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's pool: its H2 directory and files are the hub user's alone, and a closed pool is closed. */
class HubDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void theDatabaseDirectoryAndItsFilesAreTheHubUsersOnlyWhileOpenAndAfterClose() throws Exception {
        Path directory = dir.resolve("db");
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (HubDatabase database = HubDatabase.open(null, directory)) {
            Database.migrate(database.dataSource()).transaction(connection -> connection.createStatement()
                    .executeUpdate("INSERT INTO tenant (id, name, created_at) VALUES ('t', 'T', CURRENT_TIMESTAMP)"));
            assertPrivate(directory);
        }
        assertPrivate(directory);
    }

    @Test
    void eachConnectionKeepsTheParsedStatementsTheHubAsksFor() throws Exception {
        try (HubDatabase database = HubDatabase.open(null, dir.resolve("db"));
                Connection connection = database.dataSource().getConnection();
                ResultSet kept = connection.createStatement().executeQuery("SELECT SETTING_VALUE FROM "
                        + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_CACHE_SIZE'")) {
            assertTrue(kept.next(), "H2 lists its query cache's size");
            assertEquals(HubDatabase.STATEMENTS_KEPT, Integer.parseInt(kept.getString(1)));
        }
    }

    @Test
    void aClosedPoolGivesNoMoreConnections() throws Exception {
        HubDatabase database = HubDatabase.open(null, dir.resolve("db"));
        database.dataSource().getConnection().close();
        database.close();

        assertThrows(SQLException.class, () -> database.dataSource().getConnection());
    }

    private static void assertPrivate(Path directory) throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        try (Stream<Path> files = Files.list(directory)) {
            long seen = 0;
            for (Path file : (Iterable<Path>) files::iterator) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString());
                seen++;
            }
            assertTrue(seen > 0, "the database file is there");
        }
    }
}
