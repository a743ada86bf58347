package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubHomeTest {

    @TempDir
    Path dir;

    @Test
    void theAdminTokenIsRandomPrivateAndNeverReplaced() throws IOException {
        HubHome home = new HubHome(dir.resolve("var"));
        home.create();

        assertTrue(home.ensureAdminToken());
        String token = Files.readString(home.adminTokenFile());
        assertFalse(home.ensureAdminToken());

        assertEquals(token, Files.readString(home.adminTokenFile()));
        assertTrue(token.strip().matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.adminTokenFile())));
        assertTrue(Files.isDirectory(home.databaseDirectory()));
        assertTrue(Files.isDirectory(home.firmwareDirectory()));
    }
}
