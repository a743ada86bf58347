package io.hub.relay.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The hub as DTLS client ({@code a=setup:active}): DTLS 1.2, use_srtp with SRTP_AES128_CM_HMAC_SHA1_80,
 * the server's certificate checked against the SDP fingerprint, the hub's certificate sent when asked.
 */
final class HubDtlsClient extends DefaultTlsClient {

    private final BcTlsCrypto crypto;
    private final HubCertificate certificate;
    private final PeerCheck check;
    private final int timeoutMillis;

    HubDtlsClient(BcTlsCrypto crypto, HubCertificate certificate, PeerCheck check, int timeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.check = check;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    /** The hub's certificate is ECDSA, so only ECDHE_ECDSA suites; AEAD first, as browsers prefer. */
    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), PeerCheck.CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, PeerCheck.useSrtp());
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        check.profile(TlsSRTPUtils.getUseSRTPExtension(serverExtensions));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                check.certificate(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) {
                return certificate.signer(crypto, context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        check.complete(context);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        // The leg reports the failure once, with its reason.
    }
}
