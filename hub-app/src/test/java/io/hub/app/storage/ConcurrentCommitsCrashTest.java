package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.KilledChild;
import io.hub.provisioning.storage.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kill -9 among many small transactions committing at once leaves each of them whole: a device
 * with its audit row or neither. The child ({@link ConcurrentCommitsCrashChild}) enrolls from
 * eight threads through the hub's pool; the kill lands after a given number of commits, most of
 * them among the first transactions of the process. Without {@link OneWriterAtATime}, one kill of
 * a hub under enrollment load (the crash loop's short run) left a device without its audit row;
 * the window is narrow, and 66 kills of this child without the gate all came back whole, so this
 * test guards the promise rather than reproducing the race on demand (docs/ARCHITECTURE.md, Storage).
 */
class ConcurrentCommitsCrashTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after {0} commits")
    @ValueSource(ints = {1, 3, 8, 40, 400})
    void aKillAmongConcurrentCommitsLeavesEachTransactionWhole(int commits) throws Exception {
        Path directory = dir.resolve("db");
        List<String> said = runAndKill(directory, "gated", commits);

        try (HubDatabase database = HubDatabase.open(null, directory);
                Connection connection = Database.migrate(database.dataSource()).dataSource().getConnection()) {
            Set<String> devices = strings(connection, "SELECT mac FROM device");
            Set<String> audited = strings(connection, "SELECT mac FROM audit_event WHERE action = 'enroll'");
            String seen = "killed after '" + said.get(said.size() - 1) + "': " + devices.size() + " devices, "
                    + audited.size() + " enroll audit rows";
            assertTrue(devices.size() >= commits, seen);
            assertEquals(devices, audited, seen);
        }
    }

    private static List<String> runAndKill(Path directory, String mode, int commits) throws Exception {
        List<String> said = KilledChild.run(ConcurrentCommitsCrashChild.class,
                line -> line.equals("committed " + commits), directory.toString(), mode);
        assertTrue(said.contains("committed " + commits), "the child never got that far: " + said);
        return said;
    }

    private static Set<String> strings(Connection connection, String sql) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                values.add(row.getString(1));
            }
        }
        return values;
    }
}
