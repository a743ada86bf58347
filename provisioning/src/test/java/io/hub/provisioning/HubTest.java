package io.hub.provisioning;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test against a real provisioning server ({@link TestHub}) in a fresh home, started before each test and stopped after. */
abstract class HubTest {

    @TempDir
    Path home;

    TestHub hub;

    /** The database the tests run on; an {@code …OnPostgresTest} subclass runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    @BeforeEach
    void startHub() throws Exception {
        hub = TestHub.start(store(), home);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }
}
