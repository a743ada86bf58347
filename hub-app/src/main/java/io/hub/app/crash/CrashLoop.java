package io.hub.app.crash;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Kills the packaged hub with SIGKILL at moments spread over one write path and checks, after a
 * restart, what survived. The path's duration is measured first on an undisturbed run; kill
 * {@code i} of {@code n} lands at {@code (i + 0.5) / n} of it, counted from the workload's start.
 */
final class CrashLoop {

    private final Path jar;
    private final Path work;
    private final PrintWriter out;
    private final int backupEvery;
    private final CrashDatabase database;

    /**
     * @param backupEvery take a backup during every this many rounds and check it restored (0: none;
     *     H2 only, as {@code hub backup} is)
     * @param database where the hubs keep their tables; the loop does not close it
     */
    CrashLoop(Path jar, Path work, PrintWriter out, int backupEvery, CrashDatabase database) {
        this.jar = jar;
        this.work = work;
        this.out = out;
        this.backupEvery = backupEvery;
        this.database = database;
    }

    /** @return true when every invariant held at every kill point (and on the undisturbed run) */
    boolean run(String name, CrashPath path, int kills) throws Exception {
        Path seed = work.resolve("seed");
        if (!path.settings().isEmpty()) {
            Files.createDirectories(seed);
            Files.write(seed.resolve("hub.yaml"), path.settings());
        }
        try (HubProcess hub = HubProcess.start(jar, seed, database.prepare("seed", true))) {
            path.seed(new AdminHttps(hub));
        }
        // Measured twice, the shorter run kept: the first run of a fresh JVM is sometimes much slower,
        // and kill points past the end of the work prove nothing.
        long duration = Long.MAX_VALUE;
        boolean allHeld = true;
        for (int run = 1; run <= 2; run++) {
            Path measured = copy(seed, work.resolve("measure"));
            CrashPath.Workload whole;
            long took;
            String measuredUrl = database.prepare("measure", false);
            try (HubProcess hub = HubProcess.start(jar, measured, measuredUrl)) {
                AdminHttps admin = new AdminHttps(hub);
                long started = System.nanoTime();
                whole = path.drive(admin);
                took = (System.nanoTime() - started) / 1_000_000;
            }
            CrashPath.Outcome undisturbed = check(path, measured, "measure", whole);
            out.printf("%s: undisturbed run %d took %d ms (%s); %s%n", name, run, took, whole.acknowledged(),
                    verdict(undisturbed));
            duration = Math.min(duration, took);
            allHeld &= undisturbed.held();
            delete(measured);
            database.discard("measure");
        }
        Map<String, int[]> tally = new LinkedHashMap<>();
        int restartFailures = 0;
        int reached = 0;
        for (int i = 0; i < kills; i++) {
            long at = Math.max(1, duration * (2L * i + 1) / (2L * kills));
            String roundName = "round-" + i;
            Path home = copy(seed, work.resolve(roundName));
            String roundUrl = database.prepare(roundName, false);
            String line;
            boolean held;
            Path backup = backupEvery > 0 && i % backupEvery == 0 ? work.resolve("backup-" + i) : null;
            try {
                Round done = round(path, home, roundName, roundUrl, at, backup);
                CrashPath.Outcome outcome = done.outcome();
                reached += done.duringWorkload() ? 1 : 0;
                for (CrashPath.Invariant invariant : outcome.invariants()) {
                    tally.computeIfAbsent(invariant.name(), k -> new int[2])[invariant.held() ? 0 : 1]++;
                }
                held = outcome.held();
                line = (done.duringWorkload() ? "" : "after the workload ended: ") + outcome.survived() + "; "
                        + verdict(outcome);
                if (backup != null) {
                    CrashPath.Outcome restored = restored(path, backup, work.resolve("restored-" + i));
                    for (CrashPath.Invariant invariant : restored.invariants()) {
                        tally.computeIfAbsent("backup " + invariant.name(), k -> new int[2])[invariant.held() ? 0 : 1]++;
                    }
                    held &= restored.held();
                    line += "; backup: " + restored.survived() + "; " + verdict(restored);
                }
            } catch (RestartFailed e) {
                restartFailures++;
                held = false;
                line = "the hub did not start again: " + e.getMessage().lines().findFirst().orElse("");
            }
            out.printf("kill %d/%d at %d ms: %s%s%n", i + 1, kills, at, line, held ? "" : " (home kept: " + home + ")");
            out.flush();
            if (held) {
                delete(home);
                database.discard(roundName);
                if (backup != null) {
                    delete(backup);
                    delete(work.resolve("restored-" + i));
                }
            }
            allHeld &= held;
        }
        StringBuilder summary = new StringBuilder(name + ": " + kills + " kills over " + duration + " ms on "
                + database.describe() + ";");
        tally.forEach((invariant, counts) -> summary.append(' ').append(invariant).append(" held ").append(counts[0])
                .append(counts[1] == 0 ? "" : ", broke " + counts[1]).append(';'));
        summary.append(" kills during the workload ").append(reached).append(" of ").append(kills).append(';');
        summary.append(" restart failed ").append(restartFailures).append(allHeld ? "; every invariant held"
                : "; SOME INVARIANT BROKE");
        out.println(summary);
        out.flush();
        delete(seed);
        database.discard("seed");
        return allHeld;
    }

    /**
     * One round's outcome, and whether the kill landed while the workload still ran: a kill after it
     * ended (a round faster than the measured run) proves only what an undisturbed run proves.
     */
    private record Round(CrashPath.Outcome outcome, boolean duringWorkload) {
    }

    private Round round(CrashPath path, Path home, String name, String databaseUrl, long killAtMillis,
            Path backup) throws Exception {
        HubProcess hub = HubProcess.start(jar, home, databaseUrl);
        AdminHttps admin = new AdminHttps(hub);
        AtomicReference<CrashPath.Workload> workload = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread driver = new Thread(() -> {
            try {
                workload.set(path.drive(admin));
            } catch (Exception e) {
                failure.set(e);
            }
        }, "crash-loop-workload");
        long started = System.nanoTime();
        driver.start();
        Thread backupTaker = null;
        if (backup != null) {
            // Half way to the kill, while the workload writes; a kill that lands first cuts it short.
            long backupWait = killAtMillis / 2 - (System.nanoTime() - started) / 1_000_000;
            if (backupWait > 0) {
                Thread.sleep(backupWait);
            }
            backupTaker = new Thread(() -> {
                try {
                    admin.exchange("POST", "/admin/v1/backup", "application/json", java.net.http.HttpRequest
                            .BodyPublishers.ofString("{\"directory\":\"" + backup.toAbsolutePath() + "\"}"));
                } catch (IOException e) {
                    // killed before it answered: the restore must refuse what it left
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "crash-loop-backup");
            backupTaker.start();
        }
        long wait = killAtMillis - (System.nanoTime() - started) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        boolean duringWorkload = driver.isAlive();
        hub.kill();
        if (backupTaker != null) {
            backupTaker.join(120_000);
        }
        driver.join(120_000);
        if (driver.isAlive() || workload.get() == null) {
            throw new IllegalStateException("the workload did not end after the kill", failure.get());
        }
        try {
            HubProcess.start(jar, home, databaseUrl).close();
        } catch (IOException e) {
            throw new RestartFailed(e.getMessage());
        }
        return new Round(check(path, home, name, workload.get()), duringWorkload);
    }

    /**
     * Restores {@code backup} into a fresh home with {@code hub restore}, starts the hub on it and
     * checks the path's consistency invariants there. A backup the kill cut short (no manifest) must
     * be refused by the restore, leaving no database behind.
     */
    private CrashPath.Outcome restored(CrashPath path, Path backup, Path home) throws Exception {
        boolean complete = Files.isRegularFile(backup.resolve("backup.manifest"));
        Process restore = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "restore", "--home", home.toString(), backup.toString())
                .redirectErrorStream(true).start();
        String printed = new String(restore.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .strip();
        if (!restore.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            restore.destroyForcibly();
            throw new IllegalStateException("hub restore did not end");
        }
        if (!complete) {
            boolean refused = restore.exitValue() == 2 && !Files.exists(home.resolve("db").resolve("hub.mv.db"));
            return new CrashPath.Outcome("cut short by the kill, restore refused it", List.of(CrashPath.Invariant.of(
                    "cut-short-refused", refused, "hub restore exited " + restore.exitValue() + ": " + printed)));
        }
        if (restore.exitValue() != 0) {
            return new CrashPath.Outcome("restore failed", List.of(CrashPath.Invariant.of("restores", false,
                    printed.lines().findFirst().orElse(""))));
        }
        try {
            HubProcess.start(jar, home).close();
        } catch (IOException e) {
            return new CrashPath.Outcome("the hub did not start on it", List.of(CrashPath.Invariant.of("restores",
                    false, e.getMessage().lines().findFirst().orElse(""))));
        }
        // Checked with nothing acknowledged, the "-survives" invariants hold trivially: leave them out.
        CrashPath.Outcome outcome = check(path, home, home.getFileName().toString(), path.unacknowledged());
        return new CrashPath.Outcome(outcome.survived(), outcome.invariants().stream()
                .filter(invariant -> !invariant.name().endsWith("-survives")).toList());
    }

    private CrashPath.Outcome check(CrashPath path, Path home, String name, CrashPath.Workload workload)
            throws Exception {
        try (Connection connection = database.open(home, name)) {
            return path.check(connection, home, workload);
        }
    }

    private static String verdict(CrashPath.Outcome outcome) {
        StringBuilder verdict = new StringBuilder();
        for (CrashPath.Invariant invariant : outcome.invariants()) {
            verdict.append(verdict.length() == 0 ? "" : ", ").append(invariant.name())
                    .append(invariant.held() ? " held" : " BROKE (" + invariant.detail() + ")");
        }
        return verdict.toString();
    }

    private static Path copy(Path from, Path to) throws IOException {
        delete(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        Path log = root.resolveSibling(root.getFileName() + ".log");
        Files.deleteIfExists(log);
    }

    /** The hub refused to start on the home a kill left. */
    private static final class RestartFailed extends Exception {
        RestartFailed(String message) {
            super(message);
        }
    }

    static List<String> paths() {
        return List.of("import", "enroll", "firmware", "register", "tenant", "calls");
    }
}
