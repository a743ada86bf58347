package io.hub.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * Key managers for one key and its chain, the key held in memory once decoded. The JDK's "PKIX"
 * key manager opens its key store entry again on every handshake, and a PKCS#12 entry is
 * password-encrypted, so each handshake paid a PBKDF2 derivation (a sixth of the device port's
 * handshake CPU in the profile); "SunX509" reads its entries once, when it is built.
 */
final class HeldKey {

    private HeldKey() {
    }

    static KeyManager[] managers(String alias, PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException, IOException {
        char[] password = "in-memory".toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(keyStore, password);
        return factory.getKeyManagers();
    }
}
