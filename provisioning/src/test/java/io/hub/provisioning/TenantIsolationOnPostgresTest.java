package io.hub.provisioning;

/** {@link TenantIsolationTest} on PostgreSQL. */
class TenantIsolationOnPostgresTest extends TenantIsolationTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
