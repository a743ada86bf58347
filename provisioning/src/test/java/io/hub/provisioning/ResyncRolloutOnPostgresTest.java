package io.hub.provisioning;

/** {@link ResyncRolloutTest} on PostgreSQL. */
class ResyncRolloutOnPostgresTest extends ResyncRolloutTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
