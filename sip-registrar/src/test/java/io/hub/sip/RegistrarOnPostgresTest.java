package io.hub.sip;

import io.hub.testing.TestPostgres;

/** {@link RegistrarTest} with its bindings in PostgreSQL. */
class RegistrarOnPostgresTest extends RegistrarTest {

    @Override
    String databaseUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
