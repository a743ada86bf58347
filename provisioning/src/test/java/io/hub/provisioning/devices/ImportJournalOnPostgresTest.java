package io.hub.provisioning.devices;

import io.hub.provisioning.TestStore;

/** {@link ImportJournalTest} on PostgreSQL. */
class ImportJournalOnPostgresTest extends ImportJournalTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
