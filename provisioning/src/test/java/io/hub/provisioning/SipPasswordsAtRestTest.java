package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.SealedSecrets;
import io.hub.provisioning.storage.SecretKeyFile;
import io.hub.provisioning.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP passwords at rest: sealed with the home's key, so a copy of the database file alone reveals
 * none, while phones still get theirs; and the database directory is for the hub's user only.
 */
class SipPasswordsAtRestTest {

    /** The database the tests run on; {@link SipPasswordsAtRestOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final String MAC = "00809faabbcc";
    private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]+)\"");

    @TempDir
    Path home;

    @Test
    void theDatabaseFileAloneRevealsNoPassword() throws Exception {
        String password;
        try (TestHub hub = TestHub.start(store(), home)) {
            enroll(hub);
            password = servedPassword(hub);
        }

        String stored = storedPassword();
        assertTrue(SealedSecrets.isSealed(stored), stored);
        assertFalse(stored.contains(password), "the column holds no plaintext password");
        // PostgreSQL's files are its server's, not the hub's: the file check is the embedded database's.
        assumeTrue(store() == TestStore.H2, "the database file is H2's");
        byte[] file = Files.readAllBytes(home.resolve("db").resolve("hub.mv.db"));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(password),
                "no byte sequence of the file is the password");

        try (TestHub hub = TestHub.start(store(), home)) {
            assertEquals(password, servedPassword(hub), "the restarted hub opens it with the home's key");
        }
    }

    @Test
    void plaintextPasswordsOfAnOlderHubAreSealedAtStart() throws Exception {
        try (TestHub hub = TestHub.start(store(), home)) {
            enroll(hub);
        }
        String legacy = "legacyPlaintextPassword1";
        try (Connection connection = open();
                PreparedStatement update = connection.prepareStatement("UPDATE device SET sip_password = ?")) {
            update.setString(1, legacy);
            assertEquals(1, update.executeUpdate());
        }

        try (TestHub hub = TestHub.start(store(), home)) {
            assertEquals(legacy, servedPassword(hub));
        }
        String stored = storedPassword();
        assertTrue(SealedSecrets.isSealed(stored), stored);
        assertFalse(stored.contains(legacy));
    }

    @Test
    void aHomeWhoseKeyIsNotTheDatabasesDoesNotStart() throws Exception {
        try (TestHub hub = TestHub.start(store(), home)) {
            enroll(hub);
        }
        Path key = home.resolve("secrets").resolve(TestHub.SECRETS_KEY);
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[SealedSecrets.KEY_BYTES]) + "\n");

        Provisioning.StorageRefused refused = assertThrows(Provisioning.StorageRefused.class,
                () -> TestHub.start(store(), home).close());
        assertTrue(refused.getMessage().contains("does not open with this home's key"), refused.getMessage());
    }

    @Test
    void theKeyFileIsPrivateAndNeverReplaced() throws Exception {
        Path key = home.resolve("secrets").resolve("k.key");
        byte[] first = SecretKeyFile.loadOrCreate(key);
        String text = Files.readString(key);

        assertEquals(SealedSecrets.KEY_BYTES, first.length);
        assertEquals(text, Files.readString(key));
        assertEquals(Base64.getEncoder().encodeToString(SecretKeyFile.loadOrCreate(key)), text.strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        try (Stream<Path> files = Files.list(key.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aDamagedKeyFileIsRefusedWithWhatToDo() throws Exception {
        Path key = home.resolve("secrets").resolve("k.key");
        Files.createDirectories(key.getParent());
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[16]) + "\n");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SecretKeyFile.loadOrCreate(key));

        assertTrue(refused.getMessage().contains("holds 16 bytes, not 32; restore it from the backup"),
                refused.getMessage());
        assertEquals(Base64.getEncoder().encodeToString(new byte[16]), Files.readString(key).strip(),
                "a damaged key is never replaced");
    }

    @Test
    void aSealedValueOpensOnlyWithItsKeyAndForItsOwner() {
        byte[] key = new byte[SealedSecrets.KEY_BYTES];
        key[0] = 1;
        SealedSecrets secrets = new SealedSecrets(key);
        String sealed = secrets.seal("s3cret", MAC);

        assertEquals("s3cret", secrets.open(sealed, MAC));
        assertFalse(sealed.equals(secrets.seal("s3cret", MAC)), "every value has its own nonce");
        assertThrows(StorageException.class, () -> secrets.open(sealed, "00809f000001"), "moved to another row");
        assertThrows(StorageException.class, () -> new SealedSecrets(new byte[SealedSecrets.KEY_BYTES])
                .open(sealed, MAC), "another key");
        assertThrows(StorageException.class, () -> secrets.open("v1:AAAA", MAC), "too short");
        assertThrows(StorageException.class, () -> secrets.open("v1:not base64!", MAC));
        assertThrows(IllegalArgumentException.class, () -> new SealedSecrets(new byte[16]));
    }

    /** Each thread reuses one cipher: a value refused, or sealed, on it leaves nothing for the next. */
    @Test
    void aThreadsCipherServesEveryValueAfterARefusalAndAcrossThreads() throws Exception {
        byte[] key = new byte[SealedSecrets.KEY_BYTES];
        key[0] = 2;
        SealedSecrets secrets = new SealedSecrets(key);
        String sealed = secrets.seal("s3cret", MAC);
        assertThrows(StorageException.class, () -> secrets.open(sealed, "00809f000001"));
        assertEquals("s3cret", secrets.open(sealed, MAC), "opens after a refusal on the same thread");
        assertEquals("other", secrets.open(secrets.seal("other", "00809f000001"), "00809f000001"));

        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> opened = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                opened.add(threads.submit(() -> {
                    int count = 0;
                    for (int i = 0; i < 200; i++) {
                        String owner = String.format("00809f%06x", thread * 1000 + i);
                        String secret = "secret-" + thread + "-" + i;
                        assertEquals(secret, secrets.open(secrets.seal(secret, owner), owner));
                        assertEquals("s3cret", secrets.open(sealed, MAC));
                        count++;
                    }
                    return count;
                }));
            }
            for (Future<Integer> each : opened) {
                assertEquals(200, each.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void enroll(TestHub hub) throws Exception {
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices",
                "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}");
        assertEquals(201, enrolled.getStatus(), enrolled.getContentAsString());
    }

    private static String servedPassword(TestHub hub) throws Exception {
        DeviceCertificates.IssuedCertificate issued = DeviceCertificates.issue(hub.pki.devManufacturerCa(),
                DeviceCertificateRequest.of(MacAddress.parse(MAC), "Myriad M7"), Clock.systemUTC());
        try (TestHub.Phone phone = hub.phone(issued.certificate(), issued.keys().getPrivate())) {
            ContentResponse config = phone.get("/prov/v1/config/" + MAC + ".xml");
            assertEquals(200, config.getStatus(), config.getContentAsString());
            Matcher matcher = PASSWORD.matcher(config.getContentAsString());
            assertTrue(matcher.find(), config.getContentAsString());
            return matcher.group(1);
        }
    }

    private Connection open() throws Exception {
        return DriverManager.getConnection(store().url(home.resolve("db")));
    }

    private String storedPassword() throws Exception {
        try (Connection connection = open();
                PreparedStatement select = connection.prepareStatement("SELECT sip_password FROM device");
                ResultSet row = select.executeQuery()) {
            assertTrue(row.next());
            return row.getString(1);
        }
    }
}
