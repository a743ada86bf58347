package io.hub.provisioning;

/** {@link StorageFailureTest} on PostgreSQL. */
class StorageFailureOnPostgresTest extends StorageFailureTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
