package io.hub.provisioning.audit;

import io.hub.provisioning.TestStore;

/** {@link RefusalTallyTest} on PostgreSQL. */
class RefusalTallyOnPostgresTest extends RefusalTallyTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
