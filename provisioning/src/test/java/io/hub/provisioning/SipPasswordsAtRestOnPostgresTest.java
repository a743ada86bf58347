package io.hub.provisioning;

/** {@link SipPasswordsAtRestTest} on PostgreSQL. */
class SipPasswordsAtRestOnPostgresTest extends SipPasswordsAtRestTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
