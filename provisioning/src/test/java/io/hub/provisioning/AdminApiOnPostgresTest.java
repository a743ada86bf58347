package io.hub.provisioning;

/** {@link AdminApiTest} on PostgreSQL. */
class AdminApiOnPostgresTest extends AdminApiTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
