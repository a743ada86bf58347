package io.hub.provisioning;

/** {@link FleetApiTest} on PostgreSQL. */
class FleetApiOnPostgresTest extends FleetApiTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
