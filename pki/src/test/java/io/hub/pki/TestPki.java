package io.hub.pki;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Certificates for tests, made on the spot: roots, intermediates and phone leaves with exactly the
 * defect a test needs. Nothing binary is checked in.
 */
public final class TestPki {

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
