package io.hub.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, made on the spot: roots, intermediates and phone leaves with exactly the
 * defect a test needs. Nothing binary is checked in.
 */
public final class TestPki {

    /** Signs what the JDK will not, such as RSASSA-PSS over SHA-1; not registered, used by name. */
    private static final java.security.Provider BOUNCY_CASTLE =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /** The instant tests run at, unless they move the clock. */
    public static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private TestPki() {
    }

    public static CertificateAuthority root(String subject) {
        KeyPair keys = KeyType.EC_P256.generate();
        return CertificateAuthority.selfSigned(CertificateSpec.forSubject(subject, keys.getPublic())
                .validity(NOW.minus(Duration.ofDays(365)), Duration.ofDays(3650))
                .certificateAuthority(null), keys);
    }

    /** A root with a path length constraint (null for none). */
    public static CertificateAuthority root(String subject, Integer pathLength) {
        KeyPair keys = KeyType.EC_P256.generate();
        return CertificateAuthority.selfSigned(CertificateSpec.forSubject(subject, keys.getPublic())
                .validity(NOW.minus(Duration.ofDays(365)), Duration.ofDays(3650))
                .certificateAuthority(pathLength), keys);
    }

    /** A root with an RSA 2048 key, whose signatures may use any RSA algorithm. */
    public static CertificateAuthority rsaRoot(String subject) {
        KeyPair keys = keys("RSA", 2048);
        return CertificateAuthority.selfSigned(CertificateSpec.forSubject(subject, keys.getPublic())
                .validity(NOW.minus(Duration.ofDays(365)), Duration.ofDays(3650))
                .certificateAuthority(null), keys);
    }

    /** Changes a certificate builder: adds, replaces or removes extensions. */
    @FunctionalInterface
    public interface Change {
        void apply(X509v3CertificateBuilder builder) throws CertIOException;
    }

    /**
     * {@code template} with {@code change} applied, signed anew by {@code signer} with
     * {@code algorithm} (such as {@code SHA1withRSA}): for what {@link CertificateSpec} will not
     * make, such as weak signatures or name constraints.
     */
    public static X509Certificate rebuild(X509Certificate template, PrivateKey signer, String algorithm,
            Change change) {
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                    new X509CertificateHolder(template.getEncoded()));
            change.apply(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BOUNCY_CASTLE).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot rebuild " + template.getSubjectX500Principal(), e);
        }
    }

    /** {@code template} signed anew by {@code signer} with {@code algorithm}, unchanged otherwise. */
    public static X509Certificate resign(X509Certificate template, PrivateKey signer, String algorithm) {
        return rebuild(template, signer, algorithm, builder -> { });
    }

    /**
     * A CRL in {@code issuer}'s name listing {@code revoked}, signed by {@code signer} with
     * {@code algorithm}, valid from {@code thisUpdate} to {@code nextUpdate}.
     */
    public static X509CRL crl(X509Certificate issuer, PrivateKey signer, String algorithm, BigInteger number,
            Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger serial : revoked) {
                builder.addCRLEntry(serial, Date.from(thisUpdate), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            return new JcaX509CRLConverter().getCRL(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a CRL", e);
        }
    }

    /** A CRL signed by {@code ca} itself with its usual algorithm. */
    public static X509CRL crl(CertificateAuthority ca, BigInteger number, Instant thisUpdate, Instant nextUpdate,
            BigInteger... revoked) {
        return crl(ca.certificate(), ca.privateKey(), KeyType.signatureAlgorithmFor(ca.privateKey()), number,
                thisUpdate, nextUpdate, revoked);
    }

    /** An intermediate that may sign phones only (path length 0). */
    public static CertificateAuthority intermediate(CertificateAuthority parent, String subject) {
        return intermediate(parent, subject, 0);
    }

    /** An intermediate with the given path length constraint; null for none. */
    public static CertificateAuthority intermediate(CertificateAuthority parent, String subject, Integer pathLength) {
        KeyPair keys = KeyType.EC_P256.generate();
        return parent.issueSubordinate(CertificateSpec.forSubject(subject, keys.getPublic())
                .validity(NOW.minus(Duration.ofDays(365)), Duration.ofDays(3650))
                .certificateAuthority(pathLength), keys);
    }

    /** A good phone leaf spec for {@code subject} with a fresh P-256 key: clientAuth, a year either side of NOW. */
    public static Leaf leaf(String subject) {
        return new Leaf(subject, KeyType.EC_P256.generate());
    }

    /** A key pair of any JDK algorithm, such as {@code ("RSA", 1024)} or {@code ("EC", "secp521r1")}. */
    public static KeyPair keys(String algorithm, Object parameter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (parameter instanceof Integer bits) {
                generator.initialize(bits);
            } else if (parameter instanceof String curve) {
                generator.initialize(new ECGenParameterSpec(curve));
            }
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf being described; {@link #issuedBy} signs it. */
    public static final class Leaf {
        private final String subject;
        private KeyPair keys;
        private Instant notBefore = NOW.minus(Duration.ofDays(365));
        private Instant notAfter = NOW.plus(Duration.ofDays(365));
        private KeyPurposeId[] purposes = {KeyPurposeId.id_kp_clientAuth};
        private String uri;
        private boolean caFlag;

        private Leaf(String subject, KeyPair keys) {
            this.subject = subject;
            this.keys = keys;
        }

        public Leaf keys(KeyPair keys) {
            this.keys = keys;
            return this;
        }

        public Leaf validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        public Leaf purposes(KeyPurposeId... purposes) {
            this.purposes = purposes;
            return this;
        }

        public Leaf uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** Makes the "leaf" a CA, to be misused as an intermediate. */
        public Leaf asCa() {
            this.caFlag = true;
            return this;
        }

        public KeyPair keyPair() {
            return keys;
        }

        public X509Certificate issuedBy(CertificateAuthority issuer) {
            CertificateSpec spec = CertificateSpec.forSubject(subject, keys.getPublic())
                    .validity(notBefore, notAfter)
                    .keyUsage(KeyUsage.digitalSignature)
                    .extendedKeyUsage(purposes);
            if (caFlag) {
                spec.certificateAuthority(0);
            }
            if (uri != null) {
                spec.uri(uri);
            }
            return issuer.issue(spec);
        }
    }
}
