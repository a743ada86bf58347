package io.hub.provisioning;

/** {@link DeviceChangesTest} on PostgreSQL. */
class DeviceChangesOnPostgresTest extends DeviceChangesTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
