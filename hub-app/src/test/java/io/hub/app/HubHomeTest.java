package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.stream.Stream;
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

    @Test
    void theDatabaseAndTheSecretsAreTheHubUsersOnlyWhateverTheUmask() throws IOException {
        HubHome home = new HubHome(dir.resolve("var"));
        // An older home, made with the umask's modes (022: world-readable).
        Files.createDirectories(home.databaseDirectory(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(home.databaseDirectory(), PosixFilePermissions.fromString("rwxr-xr-x"));

        String key;
        try (Hub hub = Hub.start(home, TestSettings.ephemeralPorts().validate(), Clock.systemUTC())) {
            assertPrivate(home.databaseDirectory());
            key = Files.readString(home.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY));
        }
        assertPrivate(home.databaseDirectory());
        assertPrivate(home.secretsDirectory());
        assertTrue(Files.exists(home.databaseDirectory().resolve("hub.mv.db")));

        try (Hub hub = Hub.start(home, TestSettings.ephemeralPorts().validate(), Clock.systemUTC())) {
            assertEquals(key, Files.readString(home.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY)),
                    "the key is created once and never replaced");
        }
    }

    @Test
    void aKeyThatIsNotTheDatabasesStopsTheStartWithOneLine() throws Exception {
        HubHome home = new HubHome(dir.resolve("var"));
        try (Hub hub = Hub.start(home, TestSettings.ephemeralPorts().validate(), Clock.systemUTC())) {
            hub.provisioning().enrollment().enroll("default", new io.hub.provisioning.devices.DeviceDraft(
                    "00809faabbcc", "Myriad M7", "1001", null, null, null, null, null), "test", "127.0.0.1");
        }
        Files.writeString(home.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY),
                java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");

        UserError refused = assertThrows(UserError.class,
                () -> Hub.start(home, TestSettings.ephemeralPorts().validate(), Clock.systemUTC()).close());

        assertTrue(refused.getMessage().startsWith("the database cannot be opened with this home's secrets: the "
                + "sealed secret of 00809faabbcc does not open with this home's key"), refused.getMessage());
    }

    @Test
    void aDamagedSecretsKeyStopsTheStartWithOneLine() throws IOException {
        HubHome home = new HubHome(dir.resolve("var"));
        home.create();
        Files.writeString(home.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY), "not a key\n");

        UserError refused = assertThrows(UserError.class, home::sipPasswordsKey);

        assertTrue(refused.getMessage().endsWith("sip-passwords.key is not base64; restore it from the backup of "
                + "this home"), refused.getMessage());
    }

    private static void assertPrivate(Path directory) throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)), directory
                .toString());
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString());
            }
        }
    }
}
