package io.hub.app.backup;

import io.hub.app.HomeLock;
import io.hub.app.HubHome;
import io.hub.app.UserError;
import io.hub.app.storage.DatabaseFileException;
import io.hub.app.storage.HubDatabase;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Puts a backup into a home no hub runs on. The backup is checked first (its manifest, every file,
 * then its database opened as the hub would open it: a corrupt file or a schema newer than this
 * hub's is refused), unpacked beside the home's own files, and only then swapped in; what the home
 * held before is moved to {@code HOME/replaced-<time>}, never deleted.
 */
final class HubRestore {

    private HubRestore() {
    }

    /** What a restore did, for the one line the command prints. */
    record Restored(BackupManifest manifest, Path replaced) {
    }

    /**
     * @throws UserError in one line: a hub runs on the home, the backup is incomplete or from a
     *     newer hub, or a file cannot be written
     */
    static Restored restore(Path backupDirectory, HubHome home, Clock clock) {
        Path backup = backupDirectory.toAbsolutePath().normalize();
        BackupManifest manifest = BackupManifest.verify(backup);
        home.create();
        try (HomeLock lock = HomeLock.tryAcquire(home.root()).orElseThrow(() -> new UserError("the home "
                + home.root() + " is in use by a running hub: stop it before restoring into it; nothing was restored"))) {
            String stamp = clock.instant().toString().replace(":", "").replace(".", "-");
            Path staging = home.root().resolve(".restore-" + stamp);
            try {
                stage(backup, manifest, staging);
                check(staging.resolve("db"), backup);
                Path replaced = home.root().resolve("replaced-" + stamp);
                swap(home, staging, replaced);
                return new Restored(manifest, replaced);
            } finally {
                deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UserError("cannot restore " + backup + " into " + home.root() + ": " + e.getMessage());
        }
    }

    /** Copies the backup's files into {@code staging}, the database unzipped as {@code db/hub.mv.db}. */
    private static void stage(Path backup, BackupManifest manifest, Path staging) throws IOException {
        Provisioning.privateDirectory(staging);
        for (String name : manifest.files().keySet()) {
            if (name.equals(HubBackup.DATABASE)) {
                continue;
            }
            Path target = staging.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(backup.resolve(name), target);
        }
        Path db = staging.resolve("db");
        Provisioning.privateDirectory(db);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(backup.resolve(HubBackup.DATABASE)))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = db.resolve(entry.getName()).normalize();
                if (entry.isDirectory() || !target.getParent().equals(db)) {
                    throw new UserError(backup.resolve(HubBackup.DATABASE) + " holds " + entry.getName()
                            + ", not a database file; nothing was restored");
                }
                Files.copy(new NonClosing(zip), target);
            }
        }
        if (!Files.exists(db.resolve("hub.mv.db"))) {
            throw new UserError(backup + " is incomplete: " + HubBackup.DATABASE + " holds no hub.mv.db; nothing was "
                    + "restored");
        }
        for (String entry : List.of("pki", "secrets")) {
            if (Files.isDirectory(staging.resolve(entry))) {
                Provisioning.privateDirectory(staging.resolve(entry));
            }
        }
    }

    /** Opens the staged database as a hub would: a file H2 refuses, or a newer schema, stops the restore. */
    private static void check(Path db, Path backup) {
        try (HubDatabase database = HubDatabase.open(null, db)) {
            database.dataSource().getConnection().close();
        } catch (DatabaseFileException e) {
            throw new UserError("the database in " + backup + " cannot be used by this hub: "
                    + e.getMessage().replace(db.resolve("hub.mv.db").toString(), HubBackup.DATABASE)
                            .replaceAll("; the hub left it untouched.*$", "") + "; nothing was restored");
        } catch (java.sql.SQLException e) {
            throw new UserError("the database in " + backup + " cannot be opened: " + e.getMessage()
                    + "; nothing was restored");
        }
    }

    /** Moves the home's current entries to {@code replaced}, then the staged ones into the home. */
    private static void swap(HubHome home, Path staging, Path replaced) throws IOException {
        List<String> entries = new ArrayList<>(HubBackup.HOME_ENTRIES);
        entries.add("db");
        Provisioning.privateDirectory(replaced);
        for (String entry : entries) {
            Path current = home.root().resolve(entry);
            if (Files.exists(current)) {
                Files.move(current, replaced.resolve(entry));
            }
        }
        for (String entry : entries) {
            Path staged = staging.resolve(entry);
            if (Files.exists(staged)) {
                Files.move(staged, home.root().resolve(entry));
            }
        }
        home.create();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path file : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The zip's current entry, which {@link Files#copy} must not close with the whole zip. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the zip stays open for its next entry
        }
    }
}
