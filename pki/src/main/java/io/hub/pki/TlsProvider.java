package io.hub.pki;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.conscrypt.Conscrypt;

/**
 * Which TLS implementation a server's handshakes and records run on. Both speak through the same
 * JSSE interfaces (contexts, engines, key and trust managers), so the hub's certificate checks are
 * the same on either.
 */
public enum TlsProvider {

    /** The JDK's own TLS, in Java. */
    JDK,

    /**
     * BoringSSL behind JSSE (Conscrypt), a native library the jar carries for Linux, macOS and
     * Windows on x86-64 (and Windows on x86). On the device port it did a full mutual-TLS handshake
     * for a third of the JDK's CPU (bench/RESULTS.md). Version 2.5 opens a pipe beside every
     * connection: three descriptors a connection.
     */
    CONSCRYPT,

    /**
     * BoringSSL through netty-tcnative ({@link TcnativeContext}), for servers: the same native
     * handshake as Conscrypt's at one descriptor a connection, and less memory per held connection
     * than the JDK's (bench/RESULTS.md). The jar carries it for Linux and macOS on x86-64 and ARM64,
     * and for Windows on x86-64.
     */
    TCNATIVE;

    /**
     * netty-tcnative where its native library loads on this machine, else Conscrypt where its does,
     * else the JDK's.
     */
    public static TlsProvider standard() {
        return TCNATIVE.available() ? TCNATIVE : CONSCRYPT.available() ? CONSCRYPT : JDK;
    }

    /**
     * The provider named {@code name}, any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static TlsProvider named(String name) {
        for (TlsProvider provider : values()) {
            if (provider.name().toLowerCase(Locale.ROOT).equals(name.strip().toLowerCase(Locale.ROOT))) {
                return provider;
            }
        }
        throw new IllegalArgumentException("TLS provider '" + name + "' is none of jdk, conscrypt and tcnative");
    }

    /** Whether this provider can run here: the native ones need their library for this platform. */
    public boolean available() {
        return switch (this) {
            case JDK -> true;
            case CONSCRYPT -> NativeProvider.AVAILABLE;
            case TCNATIVE -> Tcnative.AVAILABLE;
        };
    }

    /** An uninitialised TLS context of this provider. */
    SSLContext newContext() throws NoSuchAlgorithmException {
        if (this == JDK) {
            return SSLContext.getInstance("TLS");
        }
        if (this == TCNATIVE) {
            if (!Tcnative.AVAILABLE) {
                throw new NoSuchAlgorithmException("netty-tcnative's native library does not load on this platform");
            }
            return TcnativeContext.newContext();
        }
        if (!NativeProvider.AVAILABLE) {
            throw new NoSuchAlgorithmException("Conscrypt's native library does not load on this platform");
        }
        return SSLContext.getInstance("TLS", NativeProvider.INSTANCE);
    }

    /**
     * Settings a server engine of this provider needs beyond {@link ServerTls#parameters}: Conscrypt
     * leaves session tickets off unless asked, and without them a TLS 1.3 client cannot resume.
     */
    public static void prepareServerEngine(SSLEngine engine) {
        if (NativeProvider.AVAILABLE && Conscrypt.isConscrypt(engine)) {
            Conscrypt.setUseSessionTickets(engine, true);
        }
    }

    /**
     * The registered name of the provider that checks certificate signatures alongside this TLS, for
     * {@code X509Certificate.verify} and PKIX; null for the JDK's default. Conscrypt checks a P-256
     * signature natively in a small part of the JDK's time in Java, which was a third of the device
     * port's work in a boot storm. It is registered last, so no code that names no provider gets it.
     */
    String signatureProvider() {
        // Conscrypt's signatures open no pipe: only its TLS engines do, so netty-tcnative's TLS takes them too.
        return this != JDK && NativeProvider.AVAILABLE ? NativeProvider.REGISTERED : null;
    }

    /** Loaded on first use, like {@link NativeProvider}. */
    private static final class Tcnative {
        static final boolean AVAILABLE = TcnativeContext.available();
    }

    /** Loaded on first use, so a JVM that only runs the JDK's TLS never touches the native library. */
    private static final class NativeProvider {
        static final boolean AVAILABLE = Conscrypt.isAvailable();
        static final Provider INSTANCE = AVAILABLE ? Conscrypt.newProvider() : null;
        static final String REGISTERED = AVAILABLE ? register(INSTANCE) : null;

        private static String register(Provider provider) {
            Provider present = Security.getProvider(provider.getName());
            if (present == null) {
                Security.addProvider(provider);
            }
            return provider.getName();
        }
    }
}
