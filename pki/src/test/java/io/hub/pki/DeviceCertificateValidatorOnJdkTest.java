package io.hub.pki;

/** Every validation case again with the JDK's signature checks (the hub on {@code tlsProvider: jdk}). */
class DeviceCertificateValidatorOnJdkTest extends DeviceCertificateValidatorTest {

    @Override
    TlsProvider tls() {
        return TlsProvider.JDK;
    }
}
