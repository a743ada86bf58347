package io.hub.relay.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The hub as DTLS server ({@code a=setup:passive}): DTLS 1.2 only, so a client that offers 1.3 as well
 * gets 1.2 (the version negotiation of RFC 9147 §5.3 falls back to the highest common one); the hub's
 * ECDSA certificate; a client certificate required and checked against the SDP fingerprint; use_srtp
 * with SRTP_AES128_CM_HMAC_SHA1_80 required.
 */
final class HubDtlsServer extends DefaultTlsServer {

    private final BcTlsCrypto crypto;
    private final HubCertificate certificate;
    private final PeerCheck check;
    private final int timeoutMillis;

    HubDtlsServer(BcTlsCrypto crypto, HubCertificate certificate, PeerCheck check, int timeoutMillis) {
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
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        check.profile(TlsSRTPUtils.getUseSRTPExtension(clientExtensions));
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, PeerCheck.useSrtp());
        return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        check.certificate(clientCertificate);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return certificate.signer(crypto, context);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        check.complete(context);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        // The leg reports the failure once, with its reason; BC's default would print to stderr.
    }
}
