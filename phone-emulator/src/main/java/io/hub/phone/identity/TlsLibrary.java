package io.hub.phone.identity;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;

/**
 * The TLS implementation emulated phones speak. The JDK's is the default: an implementation of its
 * own, apart from the one the hub may run, so a test meets the hub's TLS from the outside. Conscrypt
 * (BoringSSL) is there for loads of thousands of phones, where the JDK's handshakes in Java cost the
 * emulator more CPU than the server it measures.
 */
public enum TlsLibrary {

    JDK,
    CONSCRYPT;

    /**
     * The library named {@code name}, any case.
     *
     * @throws IllegalArgumentException for any other name, or Conscrypt where its native library does
     *     not load
     */
    public static TlsLibrary named(String name) {
        for (TlsLibrary library : values()) {
            if (library.name().toLowerCase(Locale.ROOT).equals(name.strip().toLowerCase(Locale.ROOT))) {
                if (!library.available()) {
                    throw new IllegalArgumentException("TLS library '" + name + "' does not load on this machine");
                }
                return library;
            }
        }
        throw new IllegalArgumentException("TLS library '" + name + "' is neither jdk nor conscrypt");
    }

    /** Whether this library runs here: Conscrypt needs its native library for this platform. */
    public boolean available() {
        return this == JDK || Native.AVAILABLE;
    }

    /** An uninitialised TLS context of this library. */
    SSLContext newContext() throws NoSuchAlgorithmException {
        if (this == JDK) {
            return SSLContext.getInstance("TLS");
        }
        if (!Native.AVAILABLE) {
            throw new NoSuchAlgorithmException("Conscrypt's native library does not load on this platform");
        }
        return SSLContext.getInstance("TLS", Native.PROVIDER);
    }

    /** Loaded on first use, so an emulator on the JDK's TLS never touches the native library. */
    private static final class Native {
        static final boolean AVAILABLE = Conscrypt.isAvailable();
        static final Provider PROVIDER = AVAILABLE ? Conscrypt.newProvider() : null;
    }
}
