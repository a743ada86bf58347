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

    @BeforeEach
    void startHub() throws Exception {
        hub = TestHub.start(home);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }
}
