package io.hub.provisioning.storage;

import io.hub.provisioning.TestStore;

/** {@link TenantMigrationTest} on PostgreSQL. */
class TenantMigrationOnPostgresTest extends TenantMigrationTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
