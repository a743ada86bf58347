package io.hub.provisioning.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.TestStore;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.tenants.Tenants;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a kill -9 during an upload leaves (an image without its row, a .part file) is removed at start. */
class UnrecordedFirmwareTest {

    /** The database the tests run on; {@link UnrecordedFirmwareOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    @TempDir
    Path dir;

    @Test
    void anImageWithoutItsRowIsRemovedAndItsVersionCanBeUploadedAgain() throws Exception {
        try (TestDatabase pool = TestDatabase.open(store(), dir.resolve("db"))) {
            Database database = pool.database();
            database.transaction(connection -> connection.createStatement().executeUpdate(
                    "INSERT INTO tenant (id, name, created_at) VALUES ('default', 'Default', CURRENT_TIMESTAMP)"));
            Path images = dir.resolve("firmware");
            FirmwareStore store = new FirmwareStore(database, images, PhoneCatalogue.builtIn(), Clock.systemUTC());
            FirmwareImage kept = store.upload(Tenants.DEFAULT, "Myriad M7", "2.0.0",
                    new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
            Path unrecorded = images.resolve("myriad-m7/2.1.0.bin");
            Files.write(unrecorded, new byte[] {4, 5});
            Path partial = images.resolve("myriad-m7/.upload-123.part");
            Files.write(partial, new byte[] {6});
            Path otherTenants = images.resolve("tenants/acme/myriad-m7/3.0.0.bin");
            Files.createDirectories(otherTenants.getParent());
            Files.write(otherTenants, new byte[] {8});

            assertEquals(3, store.removeUnrecordedFiles());

            assertTrue(Files.isRegularFile(kept.file()));
            assertFalse(Files.exists(unrecorded));
            assertFalse(Files.exists(partial));
            assertFalse(Files.exists(otherTenants), "another tenant's unrecorded image is found too");
            FirmwareImage again = store.upload(Tenants.DEFAULT, "Myriad M7", "2.1.0",
                    new ByteArrayInputStream(new byte[] {7}), 1);
            assertEquals(1, again.size());
            assertEquals(0, store.removeUnrecordedFiles());
        }
    }
}
