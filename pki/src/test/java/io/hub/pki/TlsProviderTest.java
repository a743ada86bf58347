package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.Arrays;
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
        assertEquals(TlsProvider.TCNATIVE, TlsProvider.named("tcnative"));
    }

    @Test
    void anUnknownProviderIsRefusedWithItsName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TlsProvider.named("openssl"));
        assertTrue(refused.getMessage().contains("'openssl'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("jdk, conscrypt and tcnative"), refused.getMessage());
    }

    @Test
    void theJdksTlsIsAlwaysThere() {
        assertTrue(TlsProvider.JDK.available());
    }

    /** The jar carries BoringSSL for Linux on x86-64, the machines the hub is built and run on. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void conscryptLoadsOnLinuxX86() {
        assertTrue(TlsProvider.CONSCRYPT.available(), "Conscrypt's native library loads on "
                + System.getProperty("os.arch").toLowerCase(Locale.ROOT));
    }

    /** netty-tcnative carries BoringSSL for the same machines. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void tcnativeLoadsOnLinuxX86AndIsTheStandard() {
        assertTrue(TlsProvider.TCNATIVE.available());
        assertEquals(TlsProvider.TCNATIVE, TlsProvider.standard());
    }

    /**
     * netty's buffer tracking is off on a hub that did not ask for it: the engines give each buffer
     * back within the call that took it, and the tracking cost every request.
     */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void nettysBufferTrackingIsOffUnlessAskedFor() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty(TcnativeContext.LEAK_DETECTION) == null,
                "this run chose a level itself");
        TcnativeContext.newContext();
        assertEquals(io.netty.util.ResourceLeakDetector.Level.DISABLED, io.netty.util.ResourceLeakDetector.getLevel());
    }

    /** Its contexts make server engines only; asking one for a client's is refused, not half-done. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void tcnativeContextsServeOnly() throws Exception {
        javax.net.ssl.SSLContext context = TlsProvider.TCNATIVE.newContext();
        assertThrows(IllegalStateException.class, context::createSSLEngine, "used before init");
        assertThrows(UnsupportedOperationException.class, context::getSocketFactory);
        assertThrows(UnsupportedOperationException.class, context::getClientSessionContext);
        assertThrows(java.security.KeyManagementException.class, () -> context.init(null, null, null),
                "a server context without a key");
    }

    @Test
    void theJdksSignatureChecksAreTheDefaultOnes() {
        assertNull(TlsProvider.JDK.signatureProvider());
    }

    /**
     * With Conscrypt, certificate signatures are checked by a provider registered under its name, and
     * registered last: code that asks for a signature without naming a provider still gets the JDK's.
     */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void conscryptsSignatureChecksAreRegisteredLastAndTakenOnlyByName() throws Exception {
        String name = TlsProvider.CONSCRYPT.signatureProvider();
        assertEquals("Conscrypt", name);
        Provider[] providers = Security.getProviders();
        assertEquals(name, providers[providers.length - 1].getName());
        assertNotEquals(name, Signature.getInstance("SHA256withECDSA").getProvider().getName());
        assertEquals(name, Signature.getInstance("SHA256withECDSA", name).getProvider().getName());
        assertEquals(name, TlsProvider.CONSCRYPT.signatureProvider(), "asked again, registered once");
        assertEquals(1, Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(name)).count());
        assertEquals(name, TlsProvider.TCNATIVE.signatureProvider(), "netty-tcnative's TLS checks with it too");
    }
}
