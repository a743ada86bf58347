package io.hub.app;

import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import io.hub.pki.ServerCredentials;
import io.hub.pki.ServerTls;
import io.hub.provisioning.Provisioning;
import io.hub.sip.SipService;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server certificate can be renewed while the hub runs ({@code hub pki renew-server}, another
 * process, or this hub when a cluster node appears): the hub looks at the certificate file every few
 * seconds and, when it holds another certificate, reads it with its key as one pair and gives that
 * pair to both HTTPS ports, to SIP-TLS and to the links to other nodes. New connections get the new
 * certificate; open ones keep the session they negotiated (links to other nodes are retired: no new
 * call uses them).
 */
final class ServerCertificateFollow {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateFollow.class);

    private final HubPki pki;
    private final Provisioning provisioning;
    private final SipService sip;
    private final io.hub.app.web.WebPort web;
    private final io.hub.pki.TlsProvider sipTls;
    /** The fingerprint of the leaf every port presents now. */
    private String served;

    /**
     * @param served the pair the ports were started with
     */
    ServerCertificateFollow(HubPki pki, ServerCredentials served, Provisioning provisioning, SipService sip,
            io.hub.app.web.WebPort web, io.hub.pki.TlsProvider sipTls) {
        this.pki = pki;
        this.provisioning = provisioning;
        this.sip = sip;
        this.web = web;
        this.sipTls = sipTls;
        this.served = served.fingerprint();
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
        ServerCredentials renewed;
        try {
            // The pair, not the certificate looked at: a second renewal may have replaced both since.
            renewed = pki.serverCredentials();
        } catch (PkiException e) {
            // Between the two files of a renewal by hand: the next look finds them matching.
            LOG.warn("server certificate changed but is not served yet: {}", e.getMessage());
            return false;
        }
        try {
            provisioning.reloadServerCertificate(renewed);
            sip.replaceTls(ServerTls.context(renewed, true, sipTls));
            // Links to other nodes present the server certificate too: new ones take the renewed one.
            sip.replaceNodeTls(io.hub.pki.NodeTls.client(renewed,
                    PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE))));
            web.replaceCertificate(renewed);
        } catch (Exception e) {
            LOG.warn("server certificate not reloaded: {}", e.toString());
            return false;
        }
        served = renewed.fingerprint();
        X509Certificate leaf = renewed.leaf();
        LOG.info("server certificate reloaded serial={} subject={} fingerprint={}", leaf.getSerialNumber().toString(16),
                leaf.getSubjectX500Principal().getName(), served);
        return true;
    }

    private String fingerprint() {
        try {
            return Fingerprints.sha256(PemFiles.readCertificate(pki.file(HubPki.SERVER_CERTIFICATE)));
        } catch (PkiException e) {
            return null;
        }
    }
}
