package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hub start} on a home whose database file is corrupt: one line, exit 2, the file untouched. */
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
                "--admin-port", "0", "--sip-tls-port", "0");

        assertEquals(2, run.exitCode(), run.err());
        String line = run.errorLine();
        assertTrue(line.startsWith("hub: database file " + file.toAbsolutePath() + " is corrupt"), line);
        assertTrue(line.endsWith("restore it from a backup, or move it aside to start with an empty database"), line);
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }
}
