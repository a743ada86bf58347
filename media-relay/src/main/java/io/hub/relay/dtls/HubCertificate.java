package io.hub.relay.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The hub's DTLS identity: a self-signed ECDSA P-256 certificate made at start-up, as browsers make
 * theirs. Nobody checks its chain; its SHA-256 {@link #fingerprint} in the hub's signed-for SDP is what
 * binds it (RFC 5763 §5), so a fresh one per run costs nothing and leaks nothing across runs.
 */
public final class HubCertificate {

    static final int VALIDITY_DAYS = 30;

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final Fingerprint fingerprint;

    private HubCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = Fingerprint.sha256(der);
    }

    /**
     * A new key pair and certificate, valid from a day before {@code clock}'s now (clocks of peers drift)
     * for {@value #VALIDITY_DAYS} days.
     */
    public static HubCertificate generate(Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=hub-media-relay");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(VALIDITY_DAYS))), name, pair.getPublic());
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()));
            return new HubCertificate(der, key);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("the relay's DTLS certificate could not be made: " + e.getMessage(), e);
        }
    }

    public byte[] der() {
        return der.clone();
    }

    /** What the hub's SDP carries in {@code a=fingerprint}. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The hub's side of a handshake in either role: this certificate, signing with ECDSA over SHA-256. */
    org.bouncycastle.tls.TlsCredentialedSigner signer(org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto crypto,
            org.bouncycastle.tls.TlsContext context) {
        return new org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner(
                new org.bouncycastle.tls.crypto.TlsCryptoParameters(context), crypto, privateKey, chain(crypto),
                org.bouncycastle.tls.SignatureAndHashAlgorithm.getInstance(org.bouncycastle.tls.HashAlgorithm.sha256,
                        org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    /** The certificate as a one-element TLS chain for {@code crypto}. */
    private org.bouncycastle.tls.Certificate chain(org.bouncycastle.tls.crypto.TlsCrypto crypto) {
        try {
            return new org.bouncycastle.tls.Certificate(
                    new org.bouncycastle.tls.crypto.TlsCertificate[] {crypto.createCertificate(der)});
        } catch (IOException e) {
            throw new IllegalStateException("the hub's own certificate does not parse", e);
        }
    }
}
