package io.hub.pki;

import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS between the nodes of one cluster. Every node holds the same hub CA and a server certificate it
 * issued (serverAuth and clientAuth), so a node reaching another presents that certificate as its
 * client certificate and trusts only the hub CA for the other's; the node it reaches tells a node
 * peer from a phone by the same CA ({@link #isNodeCertificate}). The hub CA issues nothing else:
 * phones' certificates come from manufacturer CAs.
 */
public final class NodeTls {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private NodeTls() {
    }

    /**
     * The context a node connects to another with: its server certificate and key as the client's,
     * and the hub CA as the only anchor for the other node's certificate.
     *
     * @throws PkiException when the trust store cannot be built
     */
    public static SSLContext client(ServerCredentials credentials, X509Certificate hubCa) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("hub-ca", hubCa);
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(HeldKey.managers("node", credentials.key(), credentials.chain()), trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new PkiException("cannot build the node TLS context for "
                    + credentials.leaf().getSubjectX500Principal() + ": " + e.getMessage());
        }
    }

    /**
     * Whether a client chain is another node's: its leaf is signed by {@code hubCa}, valid at
     * {@code now}, not a CA, and made for both TLS server and client (as the hub's server
     * certificates are). A phone's chain never is: no manufacturer CA is the hub CA.
     */
    public static boolean isNodeCertificate(List<X509Certificate> chain, X509Certificate hubCa, Instant now) {
        if (chain.isEmpty()) {
            return false;
        }
        X509Certificate leaf = chain.get(0);
        try {
            if (!leaf.getIssuerX500Principal().equals(hubCa.getSubjectX500Principal())) {
                return false;
            }
            leaf.verify(hubCa.getPublicKey());
            leaf.checkValidity(Date.from(now));
            List<String> purposes = leaf.getExtendedKeyUsage();
            return leaf.getBasicConstraints() < 0 && purposes != null && purposes.contains(SERVER_AUTH)
                    && purposes.contains(CLIENT_AUTH);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
