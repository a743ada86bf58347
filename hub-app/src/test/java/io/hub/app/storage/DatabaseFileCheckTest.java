package io.hub.app.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database file H2 cannot read stops the start, is named, and is left exactly as it was. */
class DatabaseFileCheckTest {

    @TempDir
    Path dir;

    @Test
    void aDatabaseOpensAgainWithWhatItHeld() throws Exception {
        try (HubDatabase pool = HubDatabase.open(null, dir)) {
            Database.migrate(pool.dataSource()).transaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO tenant (id, name, token_sha256, created_at) "
                            + "VALUES ('acme', 'Acme', '" + "0".repeat(64) + "', CURRENT_TIMESTAMP)");
                }
                return null;
            });
        }
        try (HubDatabase pool = HubDatabase.open(null, dir);
                Connection connection = pool.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT name FROM tenant")) {
            assertTrue(row.next());
            assertEquals("Acme", row.getString(1));
        }
    }

    @Test
    void aFileOfGarbageIsRefusedAndLeftAsItWas() throws Exception {
        byte[] garbage = new byte[64 * 1024];
        new Random(18).nextBytes(garbage);
        Path file = dir.resolve("hub.mv.db");
        Files.write(file, garbage);

        String message = refusal(file);

        assertTrue(message.contains("is corrupt or was written by a newer H2"), message);
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void aFileOfANewerFormatIsRefusedAndLeftAsItWas() throws Exception {
        try (HubDatabase pool = HubDatabase.open(null, dir)) {
            pool.dataSource().getConnection().close();
        }
        Path file = dir.resolve("hub.mv.db");
        byte[] newer = withFormat(Files.readAllBytes(file), 9);
        Files.write(file, newer);

        String message = refusal(file);

        assertTrue(message.contains("is corrupt or was written by a newer H2"), message);
        assertTrue(message.contains("Unsupported database file version"), message);
        assertArrayEquals(newer, Files.readAllBytes(file));
    }

    @Test
    void anEmptyFileIsRefusedNotTakenForANewDatabase() throws Exception {
        Path file = dir.resolve("hub.mv.db");
        Files.createFile(file);

        String message = refusal(file);

        assertTrue(message.contains("is empty (0 bytes)"), message);
        assertEquals(0, Files.size(file));
    }

    private String refusal(Path file) {
        DatabaseFileException refused = assertThrows(DatabaseFileException.class, () -> HubDatabase.open(null, dir));
        String message = refused.getMessage();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("database file " + file.toAbsolutePath() + " "), message);
        assertTrue(message.endsWith("the hub left it untouched: restore it from a backup (hub restore DIR), or move it aside to start "
                + "with an empty database"), message);
        return message;
    }

    /**
     * The file with both of its headers claiming MVStore format {@code format}, checksums made
     * right, as a newer H2 would write it.
     */
    private static byte[] withFormat(byte[] file, int format) {
        byte[] changed = file.clone();
        for (int start : new int[] {0, 4096}) {
            String header = new String(file, start, 4096, StandardCharsets.ISO_8859_1);
            header = header.substring(0, header.indexOf('\n'));
            String fields = header.substring(0, header.indexOf(",fletcher:")).replaceAll("format:\\d+",
                    "format:" + format);
            byte[] bytes = fields.getBytes(StandardCharsets.ISO_8859_1);
            int checksum = DataUtils.getFletcher32(bytes, 0, bytes.length);
            String rewritten = fields + ",fletcher:" + Integer.toHexString(checksum);
            java.util.Arrays.fill(changed, start, start + header.length() + 1, (byte) ' ');
            byte[] line = (rewritten + "\n").getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(line, 0, changed, start, line.length);
        }
        return changed;
    }
}
