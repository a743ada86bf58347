package io.hub.provisioning.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.KilledChild;
import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.storage.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kill -9 at any moment of a bulk import (the real import code, with its journal) leaves, once the
 * hub has started again, none of the import or all of it, with its audit row exactly when its
 * changes are there; so does a kill while that start undoes an import. The child
 * ({@link ImportCrashChild}) says when the import begins and each time the database file is written
 * while it runs (other connections commit all along, so the writes fall before, during and after the
 * import's commit); the kill lands right after one of those lines.
 */
class ImportCrashTest {

    private static final int SIZE = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed at ''{0}''")
    @ValueSource(strings = {"importing", "stored 2", "stored 10", "stored 30", "stored 80", "imported"})
    void aKillDuringAnImportLeavesNoneOrAllOfItOnceStarted(String killAt) throws Exception {
        Path directory = dir.resolve("db");
        List<String> said = runAndKill(killAt, "import", directory.toString(), String.valueOf(SIZE));
        assertTrue(said.contains("importing"), "the child never began the import: " + said);
        String seen = recoverAndCheck(directory, "killed after '" + said.get(said.size() - 1) + "'");
        if (said.contains("imported")) {
            assertTrue(seen.startsWith("all"), "an import that returned is all there: " + seen);
        }
    }

    @Test
    void aKillWhileStartUndoesAnImportIsUndoneAgainAtTheNextStart() throws Exception {
        Path directory = dir.resolve("db");
        List<String> said = runAndKill("stored 30", "import", directory.toString(), String.valueOf(SIZE));
        List<String> undoing = runAndKill("stored 1", "recover", directory.toString());
        assertTrue(undoing.contains("recovering"), "the child never began the undo: " + undoing);
        recoverAndCheck(directory, "killed after '" + said.get(said.size() - 1) + "', then while undoing after '"
                + undoing.get(undoing.size() - 1) + "'");
    }

    @Test
    void anImportThatRanToItsEndLeavesNoJournalBehind() throws Exception {
        Path directory = dir.resolve("db");
        List<String> said = runAndKill("imported", "import", directory.toString(), "50");
        assertTrue(said.contains("imported"), "the import did not return: " + said);
        try (TestDatabase database = TestDatabase.open(directory);
                Connection connection = database.dataSource().getConnection()) {
            assertEquals(0, count(connection, "SELECT COUNT(*) FROM import_journal"));
            assertEquals(0, count(connection, "SELECT COUNT(*) FROM import_before_device"));
        }
    }

    private static List<String> runAndKill(String killAt, String... args) throws Exception {
        return KilledChild.run(ImportCrashChild.class,
                line -> line.equals(killAt) || line.equals("imported") || line.equals("recovered"), args);
    }

    /** Starts as the hub does (recovery first), then checks none-or-all; returns what it saw. */
    private static String recoverAndCheck(Path directory, String when) throws SQLException {
        try (TestDatabase database = TestDatabase.open(directory)) {
            new ImportJournal(database.database()).recover();
            try (Connection connection = database.dataSource().getConnection()) {
                long updated = count(connection, "SELECT COUNT(*) FROM device WHERE display_name LIKE 'Moved %'");
                long seededLeft = count(connection, "SELECT COUNT(*) FROM device WHERE display_name LIKE 'Desk %'");
                long deletedLeft = count(connection, "SELECT COUNT(*) FROM device WHERE mac >= '"
                        + ImportCrashChild.mac(SIZE) + "' AND mac < '" + ImportCrashChild.mac(2 * SIZE) + "'");
                long created = count(connection, "SELECT COUNT(*) FROM device WHERE display_name LIKE 'New %'");
                long audited = count(connection, "SELECT COUNT(*) FROM audit_event WHERE action = 'import' "
                        + "AND outcome = 'ok' AND actor = 'crash-test'");
                long journals = count(connection, "SELECT COUNT(*) FROM import_journal");
                boolean none = updated == 0 && seededLeft == 2L * SIZE && created == 0 && audited == 0;
                boolean all = updated == SIZE && deletedLeft == 0 && seededLeft == 0 && created == SIZE
                        && audited == 1;
                String seen = (all ? "all" : none ? "none" : "PART") + " " + when + ": updated " + updated + "/" + SIZE
                        + ", deleted " + (SIZE - deletedLeft) + "/" + SIZE + ", created " + created + "/" + SIZE
                        + ", import audit rows " + audited + ", journals left " + journals;
                assertTrue(none || all, seen);
                assertEquals(0, journals, seen);
                return seen;
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
