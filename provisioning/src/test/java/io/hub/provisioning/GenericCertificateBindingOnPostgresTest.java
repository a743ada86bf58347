package io.hub.provisioning;

/** {@link GenericCertificateBindingTest} on PostgreSQL. */
class GenericCertificateBindingOnPostgresTest extends GenericCertificateBindingTest {

    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
