package io.hub.app;

import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import io.hub.pki.ServerTls;
import io.hub.provisioning.Provisioning;
import io.hub.sip.SipService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server certificate can be renewed while the hub runs ({@code hub pki renew-server}, another
 * process): the hub looks at the certificate file every few seconds and, when it holds another
 * certificate whose key is the one beside it, gives it to both HTTPS ports, to SIP-TLS and to
 * the links to other nodes. New connections get the new certificate; open ones keep the session they
 * negotiated (links to other nodes are retired: no new call uses them).
 */
final class ServerCertificateFollow {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateFollow.class);

    private final HubPki pki;
    private final Provisioning provisioning;
    private final SipService sip;
    private final io.hub.app.web.WebPort web;
    private final io.hub.pki.TlsProvider sipTls;
    private String served;

    ServerCertificateFollow(HubPki pki, Provisioning provisioning, SipService sip, io.hub.app.web.WebPort web,
            io.hub.pki.TlsProvider sipTls) {
        this.pki = pki;
        this.provisioning = provisioning;
        this.sip = sip;
        this.web = web;
        this.sipTls = sipTls;
        this.served = fingerprint();
    }

    /**
     * One look at the certificate file; reloads when it changed.
     *
     * @return true when a new certificate is now served
     */
    synchronized boolean check() {
        String now = fingerprint();
        if (now == null || now.equals(served)) {
            return false;
        }
        X509Certificate leaf;
        try {
            leaf = PemFiles.readCertificate(pki.file(HubPki.SERVER_CERTIFICATE));
            if (!keyMatches(leaf, PemFiles.readPrivateKey(pki.file(HubPki.SERVER_KEY)))) {
                // Between the two files of a renewal by hand: the next look finds them matching.
                LOG.warn("server certificate changed but {} is not its key; still serving the old one",
                        pki.file(HubPki.SERVER_KEY));
                return false;
            }
            provisioning.reloadServerCertificate(pki);
            sip.replaceTls(ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), true,
                    sipTls));
            // Links to other nodes present the server certificate too: new ones take the renewed one.
            sip.replaceNodeTls(io.hub.pki.NodeTls.client(pki.file(HubPki.SERVER_CERTIFICATE),
                    pki.file(HubPki.SERVER_KEY), PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE))));
            web.replaceCertificate(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY));
        } catch (Exception e) {
            LOG.warn("server certificate not reloaded: {}", e.toString());
            return false;
        }
        served = now;
        LOG.info("server certificate reloaded serial={} subject={} fingerprint={}", leaf.getSerialNumber().toString(16),
                leaf.getSubjectX500Principal().getName(), now);
        return true;
    }

    private String fingerprint() {
        try {
            return Fingerprints.sha256(PemFiles.readCertificate(pki.file(HubPki.SERVER_CERTIFICATE)));
        } catch (PkiException e) {
            return null;
        }
    }

    /** A signature by the key verifies with the certificate's public key. */
    private static boolean keyMatches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        byte[] probe = "hub server certificate".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(KeyType.signatureAlgorithmFor(key));
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(KeyType.signatureAlgorithmFor(key));
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
