package io.hub.provisioning;

/** {@link NodeTableTest} on PostgreSQL. */
class NodeTableOnPostgresTest extends NodeTableTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
