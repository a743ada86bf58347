package io.hub.phone.webrtc;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.KeyShareEntry;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskKeyExchangeMode;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
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
 * An emulated browser as DTLS client, as Chromium is when the other side answers {@code a=setup:passive}:
 * DTLS 1.2, ECDHE-ECDSA, use_srtp with SRTP_AES128_CM_HMAC_SHA1_80 only, its own certificate sent when
 * asked, the server's checked against the SHA-256 fingerprint of the server's SDP, and the SRTP master
 * keys exported (RFC 5764 §4.2) when the handshake completes. Bouncy Castle's DTLS and the emulator's
 * SRTP, nothing of the hub's: the relay's tests and its load generator check the hub against it.
 */
public final class BrowserDtlsClient extends DefaultTlsClient {

    /** The exported material is client write key, server write key, client salt, server salt (RFC 5764 §4.2). */
    private static final int KEY_LENGTH = 16;
    private static final int SALT_LENGTH = 14;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BcTlsCrypto crypto;
    private final byte[] certificateDer;
    private final AsymmetricKeyParameter privateKey;
    private final byte[] serverFingerprint;
    private final boolean offerDtls13;
    private volatile byte[] keying;

    /**
     * @param serverFingerprint the SHA-256 digest of the certificate the server must show
     * @param offerDtls13 the ClientHello offers DTLS 1.3 before 1.2, as a DTLS 1.3 Chromium's does
     */
    public BrowserDtlsClient(BcTlsCrypto crypto, byte[] certificateDer, AsymmetricKeyParameter privateKey,
                             byte[] serverFingerprint, boolean offerDtls13) {
        super(crypto);
        this.crypto = crypto;
        this.certificateDer = certificateDer.clone();
        this.privateKey = privateKey;
        this.serverFingerprint = serverFingerprint.clone();
        this.offerDtls13 = offerDtls13;
    }

    /** The SRTP master keys this side sends and receives with, both AES_CM_128_HMAC_SHA1_80. */
    public record SrtpKeys(MasterKey sending, MasterKey receiving) {
    }

    /**
     * The keys exported by the completed handshake: the client sends with the client write key and salt.
     *
     * @throws IllegalStateException before the handshake completed
     */
    public SrtpKeys srtpKeys() {
        byte[] material = keying;
        if (material == null) {
            throw new IllegalStateException("the DTLS handshake has not completed");
        }
        int serverKey = KEY_LENGTH;
        int clientSalt = 2 * KEY_LENGTH;
        int serverSalt = clientSalt + SALT_LENGTH;
        CryptoSuite suite = CryptoSuite.AES_CM_128_HMAC_SHA1_80;
        return new SrtpKeys(
                new MasterKey(suite, Arrays.copyOfRange(material, 0, serverKey),
                        Arrays.copyOfRange(material, clientSalt, serverSalt)),
                new MasterKey(suite, Arrays.copyOfRange(material, serverKey, clientSalt),
                        Arrays.copyOfRange(material, serverSalt, serverSalt + SALT_LENGTH)));
    }

    /** The SHA-256 digest of {@code der}, as an SDP fingerprint names a certificate. */
    public static byte[] sha256(byte[] der) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(der);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        if (offerDtls13) {
            // Bouncy Castle writes supported_versions only for a client that speaks 1.3 itself; these
            // are the extensions a DTLS 1.3 client adds to a ClientHello that also offers 1.2.
            TlsExtensionsUtils.addSupportedVersionsExtensionClient(extensions,
                    new ProtocolVersion[] {ProtocolVersion.DTLSv13, ProtocolVersion.DTLSv12});
            byte[] share = new byte[32];
            RANDOM.nextBytes(share);
            TlsExtensionsUtils.addKeyShareClientHello(extensions,
                    new Vector<>(List.of(new KeyShareEntry(NamedGroup.x25519, share))));
            TlsExtensionsUtils.addPSKKeyExchangeModesExtension(extensions, new short[] {PskKeyExchangeMode.psk_dhe_ke});
        }
        return extensions;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate server) throws IOException {
                Certificate chain = server.getCertificate();
                if (chain == null || chain.isEmpty()
                        || !MessageDigest.isEqual(sha256(chain.getCertificateAt(0).getEncoded()), serverFingerprint)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                TlsCertificate own = crypto.createCertificate(certificateDer);
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                        new Certificate(new TlsCertificate[] {own}),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keying = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (KEY_LENGTH + SALT_LENGTH));
    }
}
