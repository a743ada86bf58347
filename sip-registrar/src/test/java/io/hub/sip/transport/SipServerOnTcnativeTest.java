package io.hub.sip.transport;

import io.hub.pki.TlsProvider;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Every transport case again on netty-tcnative's BoringSSL (the hub on {@code sipTlsProvider: tcnative}). */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
class SipServerOnTcnativeTest extends SipServerTest {

    @Override
    TlsProvider tls() {
        return TlsProvider.TCNATIVE;
    }
}
