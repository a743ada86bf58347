package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Choosing the TLS implementation by name, and Conscrypt's native library loading where it should. */
class TlsProviderTest {

    @Test
    void aProviderIsNamedInAnyCase() {
        assertEquals(TlsProvider.JDK, TlsProvider.named("jdk"));
        assertEquals(TlsProvider.CONSCRYPT, TlsProvider.named("Conscrypt"));
        assertEquals(TlsProvider.CONSCRYPT, TlsProvider.named(" CONSCRYPT "));
    }

    @Test
    void anUnknownProviderIsRefusedWithItsName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TlsProvider.named("openssl"));
        assertTrue(refused.getMessage().contains("'openssl'"), refused.getMessage());
    }

    @Test
    void theJdksTlsIsAlwaysThere() {
        assertTrue(TlsProvider.JDK.available());
    }

    /** The jar carries BoringSSL for Linux on x86-64, the machines the hub is built and run on. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void conscryptLoadsOnLinuxX86AndIsTheStandard() {
        assertTrue(TlsProvider.CONSCRYPT.available(), "Conscrypt's native library loads on "
                + System.getProperty("os.arch").toLowerCase(Locale.ROOT));
        assertEquals(TlsProvider.CONSCRYPT, TlsProvider.standard());
    }
}
