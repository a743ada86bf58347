package io.hub.app.crash;

import io.hub.app.HubVersion;
import io.hub.app.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hub crashloop}: the kill -9 proof of one write path (scripts/crashloop runs it). */
@Command(name = "crashloop", mixinStandardHelpOptions = true, versionProvider = HubVersion.class,
        description = {"Start the packaged hub on a temporary home, drive one write path, kill the hub with "
                + "SIGKILL at moments spread over that path's measured duration, restart it and check what "
                + "survived. Prints each kill point and a summary; exit 1 if any invariant broke.",
            "Paths: import (CSV creates, updates, deletes: all or nothing, audited iff applied), enroll "
                + "(every 201 survives with its audit row), firmware (catalogue rows and files agree), register "
                + "(every binding answered 200 survives; no phone with its old binding gone and its new one "
                + "missing), tenant (a tenant is whole, row, token and audit row, or absent), calls (every call "
                + "record the admin API listed survives; no record half written)."})
public final class CrashLoopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, paramLabel = "PATH",
            description = "import, enroll, firmware, register, tenant or calls.")
    String path;

    @Option(names = "--kills", defaultValue = "50", paramLabel = "N", description = "Kill points (default 50).")
    int kills;

    @Option(names = "--size", paramLabel = "N", description = "Workload size: lines of each action for import "
            + "(default 5000), enrollments (default 600), uploads (default 40), REGISTERs (default 4000), tenants "
            + "(default 400), calls (default 150).")
    Integer size;

    @Option(names = "--backup-every", defaultValue = "0", paramLabel = "N", description = "In every Nth round, "
            + "take a backup half way to the kill (POST /admin/v1/backup, what 'hub backup' asks), restore it into a "
            + "fresh home with 'hub restore', start the hub there and check the path's consistency invariants "
            + "(default 0: no backups).")
    int backupEvery;

    @Option(names = "--database", defaultValue = "h2", paramLabel = "STORE", description = "h2 (default: the "
            + "file in each home) or postgresql: a throwaway PostgreSQL cluster (Debian's postgresql package; initdb "
            + "in a temporary directory) started for the loop and removed after it, each round on a database "
            + "created from the seeded one as a template.")
    String database;

    @Option(names = "--work", paramLabel = "DIR", description = "Where the homes go (default: a new temporary "
            + "directory). Homes where an invariant broke are kept.")
    Path work;

    /** The hub's jar this command runs from: the loop starts the packaged hub, never the sources. */
    private static Path jar() throws java.net.URISyntaxException {
        Path jar = Path.of(CrashLoopCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.toString().endsWith(".jar")) {
            throw new UserError("crashloop runs the packaged hub: start it from hub.jar (scripts/crashloop)");
        }
        return jar;
    }

    @Override
    public Integer call() throws Exception {
        if (kills < 1 || kills > 1000) {
            throw new UserError("--kills must be 1 to 1000, not " + kills);
        }
        if (size != null && (size < 1 || size > 100_000)) {
            throw new UserError("--size must be 1 to 100000, not " + size);
        }
        if (!database.equals("h2") && !database.equals("postgresql")) {
            throw new UserError("--database must be h2 or postgresql, not '" + database + "'");
        }
        if (database.equals("postgresql") && backupEvery > 0) {
            throw new UserError("--backup-every needs --database h2: hub backup copies the H2 file (back PostgreSQL "
                    + "up with pg_dump)");
        }
        CrashPath crashPath = switch (path) {
            case "import" -> new ImportPath(size == null ? 5000 : size);
            case "enroll" -> new EnrollPath(size == null ? 600 : size);
            case "firmware" -> new FirmwarePath(size == null ? 40 : size, 256 * 1024);
            case "register" -> new RegisterPath(jar(), size == null ? 4000 : size);
            case "tenant" -> new TenantPath(size == null ? 400 : size);
            case "calls" -> new CallsPath(jar(), size == null ? 150 : size);
            default -> throw new UserError("--path must be one of " + CrashLoop.paths() + ", not '" + path + "'");
        };
        Path jar = jar();
        Path directory = work != null ? Files.createDirectories(work) : Files.createTempDirectory("hub-crashloop-");
        if (backupEvery < 0) {
            throw new UserError("--backup-every must be 0 (none) or more, not " + backupEvery);
        }
        try (CrashDatabase store = database.equals("h2") ? CrashDatabase.h2() : CrashDatabase.postgresql()) {
            boolean held = new CrashLoop(jar, directory, spec.commandLine().getOut(), backupEvery, store).run(path,
                    crashPath, kills);
            return held ? 0 : 1;
        }
    }
}
