package io.hub.provisioning.firmware;

import io.hub.provisioning.TestStore;

/** {@link UnrecordedFirmwareTest} on PostgreSQL. */
class UnrecordedFirmwareOnPostgresTest extends UnrecordedFirmwareTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
