package io.hub.provisioning;

/** {@link DhcpAlertsTest} on PostgreSQL. */
class DhcpAlertsOnPostgresTest extends DhcpAlertsTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
