package io.hub.provisioning.audit;

import io.hub.provisioning.TestStore;

/** {@link RetentionTest} on PostgreSQL. */
class RetentionOnPostgresTest extends RetentionTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
