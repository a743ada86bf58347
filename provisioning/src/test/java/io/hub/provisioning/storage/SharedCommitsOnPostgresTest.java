package io.hub.provisioning.storage;

import io.hub.provisioning.TestStore;

/** {@link SharedCommitsTest} on PostgreSQL, where a failed statement aborts the transaction unless undone to a savepoint. */
class SharedCommitsOnPostgresTest extends SharedCommitsTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
