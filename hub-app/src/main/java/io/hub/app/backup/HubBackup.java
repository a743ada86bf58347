package io.hub.app.backup;

import io.hub.app.HubHome;
import io.hub.app.HubVersion;
import io.hub.app.storage.SchemaVersions;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Writes a backup of a home while its database is open: the database by H2's {@code BACKUP TO}
 * (a transactionally consistent copy taken from a live connection, writers not stopped), the PKI,
 * the secrets, the admin token, the settings and the firmware images, then {@link BackupManifest}
 * last.
 *
 * <p>Firmware images are copied before the database and again after it: an image's file is in
 * place before its catalogue row commits and is removed only after its row is deleted, so every
 * row in the copied database has its file in the backup. A file whose row came later is an orphan
 * there, which the hub removes at its start as it does after a kill -9.
 */
final class HubBackup {

    /** The database inside a backup: the zip {@code BACKUP TO} writes, holding {@code hub.mv.db}. */
    static final String DATABASE = "db/hub.zip";
    /** What a backup holds besides the database, as named in the home. */
    static final List<String> HOME_ENTRIES = List.of("pki", "secrets", "firmware", HubHome.ADMIN_TOKEN,
            HubHome.SETTINGS);

    private HubBackup() {
    }

    /**
     * @param target a directory that does not exist or is empty; it is made 0700 (it holds the keys)
     * @throws BackupRefused when the target is not empty, the database is not H2's, or writing fails
     */
    static BackupManifest write(HubHome home, DataSource database, Path target, Clock clock) {
        Path backup = target.toAbsolutePath().normalize();
        try {
            if (Files.exists(backup) && (!Files.isDirectory(backup) || !empty(backup))) {
                throw new BackupRefused(backup + " exists and is not an empty directory: give a new one");
            }
            if (backup.startsWith(home.root())) {
                throw new BackupRefused(backup + " is inside the home " + home.root() + ": give a directory outside it");
            }
            Provisioning.privateDirectory(backup);
            copyTree(home.firmwareDirectory(), backup.resolve("firmware"));
            Path zip = backup.resolve(DATABASE);
            Files.createDirectories(zip.getParent());
            try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
                if (!connection.getMetaData().getDatabaseProductName().equals("H2")) {
                    throw new BackupRefused("the database is " + connection.getMetaData().getDatabaseProductName()
                            + ", not the hub's H2 file: back it up with its own tools (pg_dump)");
                }
                statement.execute("BACKUP TO '" + zip.toString().replace("'", "''") + "'");
            }
            copyTree(home.firmwareDirectory(), backup.resolve("firmware"));
            for (String entry : HOME_ENTRIES) {
                if (!entry.equals("firmware")) {
                    copyTree(home.root().resolve(entry), backup.resolve(entry));
                }
            }
            tightenAll(backup);
            Map<String, String> schemas = SchemaVersions.applied(database);
            return BackupManifest.write(backup, HubVersion.version(), clock.instant().toString(), schemas);
        } catch (IOException | SQLException e) {
            throw new BackupRefused("cannot write the backup in " + backup + ": " + e.getMessage());
        }
    }

    private static boolean empty(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Copies {@code from} (a file or a directory tree) to {@code to}, skipping files already there
     * with the same size (images never change once stored) and temporary upload files.
     */
    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path file : walk.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(file) && !file.getFileName().toString().endsWith(".part")
                        && !(Files.exists(target) && Files.size(target) == Files.size(file))) {
                    try {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    } catch (java.nio.file.NoSuchFileException e) {
                        // Deleted since the walk (an image whose row is gone): nothing to keep.
                    }
                }
            }
        }
    }

    private static void tightenAll(Path backup) throws IOException {
        try (Stream<Path> walk = Files.walk(backup)) {
            for (Path directory : walk.filter(Files::isDirectory).toList()) {
                Provisioning.privateDirectory(directory);
            }
        }
    }

    /** A backup the hub would not or could not write; the message says why in one line. */
    static final class BackupRefused extends RuntimeException {
        BackupRefused(String message) {
            super(message);
        }
    }
}
