package io.hub.phone.identity;

import io.hub.pki.MacAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * Who an emulated phone is: its MAC, its model, and its factory certificate with the key, which it
 * presents on every TLS connection to the hub (HTTPS and SIP alike).
 *
 * @param certificate null for a phone without one (a benchmark registering with passwords only)
 */
public record PhoneIdentity(MacAddress mac, String model, X509Certificate certificate, PrivateKey key) {

    /** A TLS context that presents this phone's certificate (if it has one) and trusts {@code trust}. */
    public SSLContext tls(PhoneTrust trust) {
        try {
            KeyManager[] keys = certificate == null ? null : new KeyManager[] {new PhoneKeyManager(certificate, key)};
            return trust.context(keys);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the TLS context of phone " + mac + ": " + e.getMessage(), e);
        }
    }
}
