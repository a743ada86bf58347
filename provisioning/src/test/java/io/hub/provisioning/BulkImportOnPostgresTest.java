package io.hub.provisioning;

/** {@link BulkImportTest} on PostgreSQL. */
class BulkImportOnPostgresTest extends BulkImportTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
