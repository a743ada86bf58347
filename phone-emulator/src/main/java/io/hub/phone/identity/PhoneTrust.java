package io.hub.phone.identity;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The CAs phones accept servers from, made into trust managers once for a whole fleet. */
public final class PhoneTrust {

    private final TrustManager[] managers;

    public PhoneTrust(List<X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            managers = factory.getTrustManagers();
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot trust the given CAs: " + e.getMessage(), e);
        }
    }

    TrustManager[] managers() {
        return managers;
    }
}
