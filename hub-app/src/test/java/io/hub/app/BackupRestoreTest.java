package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.app.storage.HubDatabase;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub backup DIR} and {@code hub restore DIR}: a backup taken while enrollments run restores
 * to a consistent home (every device with its audit row, every catalogue row with its file, the same
 * CA and token), and a restore refuses, in one line, a home in use and a backup that is incomplete or
 * from a newer hub.
 */
class BackupRestoreTest {

    @TempDir
    Path dir;

    @Test
    void aBackupTakenWhileEnrollmentsRunRestoresToAConsistentHome() throws Exception {
        Path home = dir.resolve("var");
        Path backup = dir.resolve("backup");
        Set<String> beforeBackup;
        try (Hub hub = Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC())) {
            AdminHttp admin = new AdminHttp(hub, home);
            Path image = Files.write(dir.resolve("m7.bin"), new byte[64 * 1024]);
            String url = "https://127.0.0.1:" + hub.provisioning().adminPort() + "/";
            assertEquals(0, CommandLineRun.hub("firmware", "upload", "--home", home.toString(), "--admin-url", url,
                    "--model", "Myriad M7", "--version", "1.0", image.toString()).exitCode());
            Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger next = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int i = next.getAndIncrement(); !stop.get() && i < 5_000; i = next.getAndIncrement()) {
                    String mac = String.format("00809e%06x", i);
                    try {
                        if (admin.send("POST", "/admin/v1/devices", "{\"mac\":\"" + mac
                                + "\",\"model\":\"Myriad M7\",\"extension\":\"" + (5000 + i) + "\"}") == 201) {
                            acknowledged.add(mac);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "backup-test-writer");
            writer.start();
            while (acknowledged.size() < 20 && writer.isAlive()) {
                Thread.onSpinWait();
            }
            beforeBackup = Set.copyOf(acknowledged);
            CommandLineRun taken = CommandLineRun.hub("backup", "--home", home.toString(), "--admin-url", url,
                    backup.toString());
            int duringBackup = acknowledged.size();
            stop.set(true);
            writer.join();

            assertEquals(0, taken.exitCode(), taken.err());
            assertTrue(taken.out().startsWith("backup of the running hub written to " + backup), taken.out());
            assertTrue(duringBackup > beforeBackup.size(), "the writes went on during the backup");
            assertTrue(Files.isRegularFile(backup.resolve("backup.manifest")));
        }

        Path restoredHome = dir.resolve("restored");
        CommandLineRun restored = CommandLineRun.hub("restore", "--home", restoredHome.toString(), backup.toString());
        assertEquals(0, restored.exitCode(), restored.err());
        assertTrue(restored.out().startsWith("restored the backup of "), restored.out());

        assertEquals(Files.readString(home.resolve("admin-token")), Files.readString(restoredHome.resolve("admin-token")));
        assertEquals(Files.readString(home.resolve("pki/ca.pem")), Files.readString(restoredHome.resolve("pki/ca.pem")));
        try (Hub hub = Hub.start(new HubHome(restoredHome), TestSettings.ephemeralPorts().validate(),
                Clock.systemUTC())) {
            String devices = new AdminHttp(hub, restoredHome).get("/admin/v1/devices?size=1000");
            for (String mac : beforeBackup) {
                assertTrue(devices.contains(mac), mac + " was enrolled before the backup began");
            }
            assertTrue(new AdminHttp(hub, restoredHome).get("/admin/v1/firmware").contains("\"1.0\""));
        }
        try (Connection database = DriverManager.getConnection(HubDatabase.h2Url(restoredHome.resolve("db")));
                Statement statement = database.createStatement()) {
            Set<String> devices = strings(statement, "SELECT mac FROM device");
            Set<String> audited = strings(statement, "SELECT mac FROM audit_event WHERE action = 'enroll' "
                    + "AND outcome = 'ok' AND mac IS NOT NULL");
            assertEquals(devices, audited, "every device with its audit row, no audit row without its device");
            for (String file : strings(statement, "SELECT file_name FROM firmware_image")) {
                assertTrue(Files.isRegularFile(restoredHome.resolve("firmware").resolve(file)), file);
            }
        }
    }

    @Test
    void aStoppedHubIsBackedUpByTheCommandItself() throws Exception {
        Path home = dir.resolve("var");
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC()).close();

        CommandLineRun taken = CommandLineRun.hub("backup", "--home", home.toString(), dir.resolve("b").toString());

        assertEquals(0, taken.exitCode(), taken.err());
        assertTrue(taken.out().startsWith("backup of the stopped hub written to "), taken.out());
        CommandLineRun again = CommandLineRun.hub("backup", "--home", home.toString(), dir.resolve("b").toString());
        assertEquals(2, again.exitCode());
        assertEquals("hub: " + dir.resolve("b") + " exists and is not an empty directory: give a new one",
                again.errorLine());
    }

    @Test
    void aRestoreRefusesAHomeInUseAndLeavesItAsItWas() throws Exception {
        Path home = dir.resolve("var");
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC()).close();
        assertEquals(0, CommandLineRun.hub("backup", "--home", home.toString(), dir.resolve("b").toString()).exitCode());
        try (Hub hub = Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC())) {
            CommandLineRun refused = CommandLineRun.hub("restore", "--home", home.toString(), dir.resolve("b").toString());

            assertEquals(2, refused.exitCode());
            assertEquals("hub: the home " + home.toAbsolutePath() + " is in use by a running hub: stop it before "
                    + "restoring into it; nothing was restored", refused.errorLine());
            try (var entries = Files.list(home)) {
                assertTrue(entries.noneMatch(entry -> entry.getFileName().toString().startsWith("replaced-")));
            }
        }
    }

    @Test
    void aRestoreRefusesABackupWithoutItsManifestOrWithAFileChanged() throws Exception {
        Path backup = backupOfAFreshHub();
        Path manifest = backup.resolve("backup.manifest");
        byte[] written = Files.readAllBytes(manifest);
        Files.delete(manifest);

        CommandLineRun noManifest = CommandLineRun.hub("restore", "--home", dir.resolve("new").toString(),
                backup.toString());
        assertEquals(2, noManifest.exitCode());
        assertEquals("hub: " + backup + " is not a complete backup: it has no backup.manifest (a backup still being "
                + "written or cut short); nothing was restored", noManifest.errorLine());

        Files.write(manifest, written);
        byte[] token = Files.readAllBytes(backup.resolve("admin-token"));
        Files.writeString(backup.resolve("admin-token"), "not the token\n");
        CommandLineRun changed = CommandLineRun.hub("restore", "--home", dir.resolve("new").toString(),
                backup.toString());
        assertEquals(2, changed.exitCode());
        assertEquals("hub: " + backup + " is incomplete: admin-token is not the file the backup wrote (size or "
                + "SHA-256 differs); nothing was restored", changed.errorLine());

        Files.write(backup.resolve("admin-token"), token);
        Files.delete(backup.resolve("db/hub.zip"));
        CommandLineRun missing = CommandLineRun.hub("restore", "--home", dir.resolve("new").toString(),
                backup.toString());
        assertEquals(2, missing.exitCode());
        assertEquals("hub: " + backup + " is incomplete: db/hub.zip is missing; nothing was restored",
                missing.errorLine());
        assertFalse(Files.exists(dir.resolve("new").resolve("db").resolve("hub.mv.db")));
    }

    @Test
    void aRestoreRefusesABackupOfANewerFormatOrSchema() throws Exception {
        Path backup = backupOfAFreshHub();
        Properties manifest = manifest(backup);
        manifest.setProperty("format", "2");
        manifest.setProperty("hub.version", "9.0.0");
        store(backup, manifest);
        CommandLineRun format = CommandLineRun.hub("restore", "--home", dir.resolve("new").toString(),
                backup.toString());
        assertEquals(2, format.exitCode());
        assertEquals("hub: " + backup + " was written by a newer hub (9.0.0, backup format 2; this hub reads format 1):"
                + " restore it with that hub; nothing was restored", format.errorLine());

        Path newer = backupOfAFreshHub(dir.resolve("newer-home"), dir.resolve("newer"));
        Path unpacked = dir.resolve("unpacked");
        Files.createDirectories(unpacked);
        try (var zip = new java.util.zip.ZipInputStream(Files.newInputStream(newer.resolve("db/hub.zip")))) {
            zip.getNextEntry();
            Files.copy(zip, unpacked.resolve("hub.mv.db"));
        }
        try (Connection database = DriverManager.getConnection(HubDatabase.h2Url(unpacked));
                Statement statement = database.createStatement()) {
            statement.executeUpdate("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", "
                    + "\"description\", \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", "
                    + "\"success\") VALUES (999, '999', 'from a newer hub', 'SQL', 'V999__newer.sql', 0, 'hub', 1, TRUE)");
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(newer.resolve("db/hub.zip")))) {
            zip.putNextEntry(new ZipEntry("hub.mv.db"));
            Files.copy(unpacked.resolve("hub.mv.db"), zip);
        }
        Properties listed = manifest(newer);
        Path zip = newer.resolve("db/hub.zip");
        listed.setProperty("file.db/hub.zip", Files.size(zip) + " " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zip))));
        store(newer, listed);

        CommandLineRun schema = CommandLineRun.hub("restore", "--home", dir.resolve("new").toString(),
                newer.toString());
        assertEquals(2, schema.exitCode());
        assertEquals("hub: the database in " + newer + " cannot be used by this hub: database file db/hub.zip holds "
                + "provisioning schema version 999, newer than this hub knows: it was written by a newer hub; "
                + "nothing was restored", schema.errorLine());
        assertFalse(Files.exists(dir.resolve("new").resolve("db").resolve("hub.mv.db")));
    }

    private Path backupOfAFreshHub() {
        return backupOfAFreshHub(dir.resolve("var"), dir.resolve("b"));
    }

    private static Path backupOfAFreshHub(Path home, Path backup) {
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC()).close();
        CommandLineRun taken = CommandLineRun.hub("backup", "--home", home.toString(), backup.toString());
        assertEquals(0, taken.exitCode(), taken.err());
        return backup.toAbsolutePath();
    }

    private static Properties manifest(Path backup) throws Exception {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(backup.resolve("backup.manifest"), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }

    private static void store(Path backup, Properties properties) throws Exception {
        try (Writer out = Files.newBufferedWriter(backup.resolve("backup.manifest"), StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
    }

    private static Set<String> strings(Statement statement, String sql) throws Exception {
        Set<String> values = new HashSet<>();
        try (ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                values.add(row.getString(1).strip());
            }
        }
        return values;
    }

}
