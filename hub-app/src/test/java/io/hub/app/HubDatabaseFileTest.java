package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub start} on a home whose database file is corrupt, cut short or migrated by a newer hub:
 * one line naming the file and what to do, exit 2, the file not replaced by an empty database.
 */
class HubDatabaseFileTest {

    @TempDir
    Path dir;

    @Test
    void theHubRefusesToStartOnACorruptDatabaseFile() throws Exception {
        Path home = dir.resolve("var");
        Path file = home.resolve("db").resolve("hub.mv.db");
        Files.createDirectories(file.getParent());
        byte[] garbage = new byte[32 * 1024];
        new Random(2).nextBytes(garbage);
        Files.write(file, garbage);

        CommandLineRun run = CommandLineRun.hub("start", "--home", home.toString(), "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0");

        assertEquals(2, run.exitCode(), run.err());
        String line = run.errorLine();
        assertTrue(line.startsWith("hub: database file " + file.toAbsolutePath() + " is corrupt"), line);
        assertTrue(line.endsWith("restore it from a backup (hub restore DIR), or move it aside to start with an empty database"), line);
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void theHubRefusesToStartOnADatabaseANewerHubMigrated() throws Exception {
        Path home = dir.resolve("var");
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), java.time.Clock.systemUTC()).close();
        Path file = home.resolve("db").resolve("hub.mv.db").toAbsolutePath();
        try (java.sql.Connection database = java.sql.DriverManager.getConnection(
                io.hub.app.storage.HubDatabase.h2Url(home.resolve("db")));
                java.sql.Statement statement = database.createStatement()) {
            statement.executeUpdate("INSERT INTO \"registrar_schema_history\" (\"installed_rank\", \"version\", "
                    + "\"description\", \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", "
                    + "\"success\") VALUES (99, '99', 'from a newer hub', 'SQL', 'V99__newer.sql', 0, 'hub', 1, TRUE)");
        }

        CommandLineRun run = CommandLineRun.hub("start", "--home", home.toString(), "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0");

        assertEquals(2, run.exitCode(), run.err());
        assertEquals("hub: database file " + file + " holds registrar schema version 99, newer than this hub knows: it "
                + "was written by a newer hub; the hub left it untouched: run that hub, or restore a backup this "
                + "version made (hub restore DIR)", run.errorLine());
        try (java.sql.Connection database = java.sql.DriverManager.getConnection(
                io.hub.app.storage.HubDatabase.h2Url(home.resolve("db")));
                java.sql.Statement statement = database.createStatement();
                java.sql.ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM tenant")) {
            row.next();
            assertEquals(1, row.getInt(1), "the database is the one it was, its default tenant in it");
        }
    }

    @Test
    void theHubRefusesToStartOnADatabaseFileCutShort() throws Exception {
        Path home = dir.resolve("var");
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), java.time.Clock.systemUTC()).close();
        Path file = home.resolve("db").resolve("hub.mv.db").toAbsolutePath();
        byte[] whole = Files.readAllBytes(file);
        byte[] cut = java.util.Arrays.copyOf(whole, 6 * 1024);
        Files.write(file, cut);

        CommandLineRun run = CommandLineRun.hub("start", "--home", home.toString(), "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0");

        assertEquals(2, run.exitCode(), run.err());
        String line = run.errorLine();
        assertTrue(line.startsWith("hub: database file " + file + " "), line);
        assertTrue(line.endsWith("restore it from a backup (hub restore DIR), or move it aside to start with an empty "
                + "database"), line);
        assertArrayEquals(cut, Files.readAllBytes(file));
    }
}
