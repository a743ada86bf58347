package io.hub.sip.location;

import io.hub.testing.TestPostgres;

/** {@link JdbcBindingStoreTest} on PostgreSQL. */
class JdbcBindingStoreOnPostgresTest extends JdbcBindingStoreTest {

    @Override
    String url() {
        return TestPostgres.shared().newDatabase();
    }
}
