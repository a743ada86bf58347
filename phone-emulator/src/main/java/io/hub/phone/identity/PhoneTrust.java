package io.hub.phone.identity;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CAs phones accept servers from, made into trust managers once for a whole fleet, and the TLS
 * library the fleet speaks.
 */
public final class PhoneTrust {

    private final TrustManager[] managers;
    private final TlsLibrary library;

    /** On the JDK's TLS. */
    public PhoneTrust(List<X509Certificate> trusted) {
        this(trusted, TlsLibrary.JDK);
    }

    public PhoneTrust(List<X509Certificate> trusted, TlsLibrary library) {
        this.library = library;
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            TrustManager[] jdk = factory.getTrustManagers();
            managers = library == TlsLibrary.CONSCRYPT && jdk.length == 1
                    && jdk[0] instanceof X509ExtendedTrustManager x509
                    ? new TrustManager[] {new TlsThirteenAuthType(x509)} : jdk;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot trust the given CAs: " + e.getMessage(), e);
        }
    }

    /** A TLS context of the fleet's library that trusts these CAs and presents {@code keys} (may be null). */
    SSLContext context(KeyManager[] keys) throws GeneralSecurityException {
        SSLContext context = library.newContext();
        context.init(keys, managers, null);
        return context;
    }
}
