package io.hub.app.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.app.HomeLock;
import io.hub.app.HomeOption;
import io.hub.app.HubHome;
import io.hub.app.HubSettings;
import io.hub.app.UserError;
import io.hub.app.admin.AdminOptions;
import io.hub.app.storage.DatabaseFileException;
import io.hub.app.storage.HubDatabase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hub backup DIR} and {@code hub restore DIR}. */
public final class BackupCommands {

    private BackupCommands() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Back up the hub's home into DIR (new or empty): the database, PKI, secrets, admin token, "
                    + "settings and firmware images, consistent while the hub runs.",
                    "A running hub on the home writes it (asked over its admin API, operator token); when none runs "
                            + "the command locks the home and writes it itself. backup.manifest, written last, "
                            + "lists every file with its SHA-256."})
    public static final class Backup implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "DIR", description = "Where the backup goes: a directory that is new or empty.")
        Path directory;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubHome home = admin.home();
            Path target = directory.toAbsolutePath().normalize();
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isDirectory(home.root())) {
                throw new UserError("no home at " + home.root() + ": nothing to back up (see --home)");
            }
            Optional<HomeLock> stopped = HomeLock.tryAcquire(home.root());
            if (stopped.isEmpty()) {
                JsonNode answer = admin.client().json("POST", "admin/v1/backup", Map.of("directory", target.toString()));
                out.printf("backup of the running hub written to %s (%d files, schemas %s)%n", target,
                        answer.path("files").asInt(), answer.path("schemas"));
                return 0;
            }
            try (HomeLock lock = stopped.get()) {
                HubSettings settings = HubSettings.load(home.settingsFile(), false);
                if (settings.databaseUrl != null) {
                    throw new UserError("the database is at " + settings.databaseUrl.replaceAll("password=[^;&]*",
                            "password=***") + ", not the hub's H2 file: back it up with its own tools (pg_dump)");
                }
                if (!Files.exists(home.databaseDirectory().resolve("hub.mv.db"))) {
                    throw new UserError("no database in " + home.databaseDirectory() + ": start the hub once first");
                }
                BackupManifest manifest;
                try (HubDatabase database = HubDatabase.open(null, home.databaseDirectory())) {
                    manifest = HubBackup.write(home, database.dataSource(), target, Clock.systemUTC());
                } catch (DatabaseFileException | HubBackup.BackupRefused e) {
                    throw new UserError(e.getMessage());
                }
                out.printf("backup of the stopped hub written to %s (%d files, schemas %s)%n", target,
                        manifest.files().size(), manifest.schemas());
            }
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Restore a backup made by 'hub backup' into the home. No hub may run on it; the backup is "
                    + "checked whole first (every file against backup.manifest, the database opened), and one from "
                    + "a newer hub is refused.",
                    "What the home held before is moved to HOME/replaced-<time>, not deleted."})
    public static final class Restore implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Parameters(paramLabel = "DIR", description = "The directory 'hub backup' wrote.")
        Path directory;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubRestore.Restored restored = HubRestore.restore(directory, home.home(), Clock.systemUTC());
            spec.commandLine().getOut().printf("restored the backup of %s (hub %s, schemas %s) into %s; what it held "
                    + "before is in %s%n", restored.manifest().createdAt(), restored.manifest().hubVersion(),
                    restored.manifest().schemas(), home.home().root(), restored.replaced());
            return 0;
        }
    }
}
