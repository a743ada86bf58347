package io.hub.bench.relay.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The emulated browser as DTLS client (the relay answered {@code a=setup:passive}): DTLS 1.2,
 * ECDHE-ECDSA, {@code use_srtp} with SRTP_AES128_CM_HMAC_SHA1_80 only, its certificate sent when asked,
 * the relay's checked against its SDP fingerprint, and the SRTP keying material exported when the
 * handshake completes (RFC 5764 §4.2).
 */
final class BenchDtlsClient extends DefaultTlsClient {

    /** client write key, server write key, client salt, server salt (RFC 5764 §4.2). */
    static final int KEYING_LENGTH = 2 * (16 + 14);

    private final BcTlsCrypto crypto;
    private final DtlsIdentity identity;
    private final RelayCertificateCheck relay;
    private volatile byte[] keying;

    BenchDtlsClient(BcTlsCrypto crypto, DtlsIdentity identity, RelayCertificateCheck relay) {
        super(crypto);
        this.crypto = crypto;
        this.identity = identity;
        this.relay = relay;
    }

    /** The exported keying material, or null before the handshake completed. */
    byte[] keying() {
        return keying;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA});
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return 15_000;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(
                new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate server) throws IOException {
                Certificate chain = server.getCertificate();
                if (chain == null || chain.isEmpty() || !relay.matches(chain.getCertificateAt(0).getEncoded())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                TlsCertificate own = crypto.createCertificate(identity.certificateDer);
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                        identity.privateKey, new Certificate(new TlsCertificate[] {own}),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keying = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, KEYING_LENGTH);
    }
}
