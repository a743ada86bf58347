package io.hub.bench.relay.dtls;

import io.hub.phone.webrtc.BrowserDtlsClient;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The generator's WebRTC-like DTLS identity: a self-signed ECDSA P-256 certificate, as a browser makes
 * for its RTCPeerConnection, and its SHA-256 fingerprint as SDP writes it. One identity serves every
 * emulated browser of a run (a browser keeps its certificate across calls too), so that making keys is
 * not what a handshake measures.
 */
public final class DtlsIdentity {

    private static final SecureRandom RANDOM = new SecureRandom();

    final byte[] certificateDer;
    final AsymmetricKeyParameter privateKey;

    private DtlsIdentity(byte[] certificateDer, AsymmetricKeyParameter privateKey) {
        this.certificateDer = certificateDer;
        this.privateKey = privateKey;
    }

    /** A fresh key pair and certificate, valid from a day ago for thirty days. */
    public static DtlsIdentity generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=relay-load");
            long now = System.currentTimeMillis();
            byte[] der = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(RANDOM.nextInt(Integer.MAX_VALUE) + 1L),
                    new Date(now - 86_400_000L), new Date(now + 30 * 86_400_000L), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            return new DtlsIdentity(der, PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(
                    pair.getPrivate().getEncoded())));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the generator's DTLS certificate", e);
        }
    }

    /** {@code sha-256 AB:CD:…}, the value of this identity's {@code a=fingerprint}. */
    public String fingerprint() {
        return "sha-256 " + colons(BrowserDtlsClient.sha256(certificateDer));
    }

    static String colons(byte[] digest) {
        String hex = HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return out.toString();
    }
}
