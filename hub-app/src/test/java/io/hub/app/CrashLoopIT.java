package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The short version of {@code scripts/crashloop}: three kill points per write path, placed over the
 * path's duration as measured on undisturbed runs, each followed by a restart and the path's
 * invariants. The long runs (50 kills) are in docs/RELIABILITY.md.
 */
class CrashLoopIT {

    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"import, 1500", "enroll, 200", "firmware, 15", "register, 1200", "tenant, 150", "calls, 20"})
    void everyInvariantHoldsAtEveryKillPoint(String path, int size) throws Exception {
        Run run = crashloop("--path", path, "--kills", String.valueOf(KILLS), "--size", String.valueOf(size),
                "--work", dir.resolve(path).toString());

        assertEquals(0, run.exitCode, run.out);
        List<String> kills = run.out.lines().filter(line -> line.startsWith("kill ")).toList();
        assertEquals(KILLS, kills.size(), run.out);
        assertTrue(run.out.lines().anyMatch(line -> line.startsWith(path + ": " + KILLS + " kills over ")
                && line.endsWith("every invariant held")), run.out);
    }

    /** The same loop on a throwaway PostgreSQL cluster: each round on a copy of the seeded database. */
    @ParameterizedTest(name = "{0} on PostgreSQL")
    @CsvSource({"import, 1500", "enroll, 200"})
    void everyInvariantHoldsOnPostgresql(String path, int size) throws Exception {
        Run run = crashloop("--path", path, "--kills", "2", "--size", String.valueOf(size), "--database",
                "postgresql", "--work", dir.resolve(path + "-pg").toString());

        assertEquals(0, run.exitCode, run.out);
        assertEquals(2, run.out.lines().filter(line -> line.startsWith("kill ")).count(), run.out);
        assertTrue(run.out.lines().anyMatch(line -> line.startsWith(path + ": 2 kills over ")
                && line.contains(" ms on PostgreSQL;") && line.endsWith("every invariant held")), run.out);
    }

    @Test
    void aDatabaseItDoesNotKnowIsRefusedInOneLine() throws Exception {
        Process process = HubScript.command("scripts/crashloop", "--path", "import", "--kills", "1", "--database",
                "mysql").redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue(), err);
        assertEquals("hub: --database must be h2 or postgresql, not 'mysql'", err.strip());
    }

    @Test
    void aPathItDoesNotKnowIsRefusedInOneLine() throws Exception {
        Process process = HubScript.command("scripts/crashloop", "--path", "tenants", "--kills", "1")
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue(), err);
        assertEquals("hub: --path must be one of [import, enroll, firmware, register, tenant, calls], not 'tenants'",
                err.strip());
    }

    private static Run crashloop(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("scripts/crashloop"));
        command.addAll(List.of(args));
        Process process = HubScript.command(command.toArray(String[]::new)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "scripts/crashloop did not end");
        return new Run(process.exitValue(), out);
    }

    private record Run(int exitCode, String out) {
    }
}
