package io.hub.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate and the private key that signs with it. Issues certificates and CRLs.
 *
 * <p>Serial numbers are 127 random bits, so two certificates of one CA never share one and a
 * serial says nothing about how many were issued.
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    public CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /** A new self-signed root: {@code spec} should be a CA spec holding {@code keys.getPublic()}. */
    public static CertificateAuthority selfSigned(CertificateSpec spec, KeyPair keys) {
        X509Certificate certificate = sign(spec, spec.subject(), keys.getPrivate(), null);
        return new CertificateAuthority(certificate, keys.getPrivate());
    }

    /** Signs a certificate as {@code spec} describes it. */
    public X509Certificate issue(CertificateSpec spec) {
        return sign(spec, X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), privateKey,
                certificate);
    }

    /** Issues a subordinate CA whose key is {@code keys}. */
    public CertificateAuthority issueSubordinate(CertificateSpec spec, KeyPair keys) {
        return new CertificateAuthority(issue(spec), keys.getPrivate());
    }

    /**
     * Signs a CRL naming {@code revoked}. An entry whose issuer is not this CA carries the
     * certificateIssuer extension, and the CRL is then marked indirect (RFC 5280 §5.2.5, §5.3.3).
     */
    public X509CRL issueCrl(List<RevokedEntry> revoked, Instant thisUpdate, Instant nextUpdate, BigInteger number) {
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer, Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        // In an indirect CRL an entry without certificateIssuer inherits the previous entry's issuer
        // (RFC 5280 §5.3.3), so once one entry names another issuer, every entry names its own.
        boolean indirect = revoked.stream().anyMatch(entry -> !entry.issuer().equals(issuer));
        try {
            for (RevokedEntry entry : revoked) {
                ExtensionsGenerator entryExtensions = new ExtensionsGenerator();
                if (entry.reasonCode() != 0) {
                    // RFC 5280 §5.3.1: unspecified is expressed by leaving the reason out.
                    entryExtensions.addExtension(Extension.reasonCode, false,
                            org.bouncycastle.asn1.x509.CRLReason.lookup(entry.reasonCode()));
                }
                if (indirect) {
                    entryExtensions.addExtension(Extension.certificateIssuer, true,
                            new GeneralNames(new GeneralName(entry.issuer())));
                }
                if (entryExtensions.isEmpty()) {
                    builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), 0);
                } else {
                    builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entryExtensions.generate());
                }
            }
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(certificate));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            if (indirect) {
                builder.addExtension(Extension.issuingDistributionPoint, true,
                        new IssuingDistributionPoint(null, false, false, null, true, false));
            }
            X509CRLHolder holder = builder.build(signer(privateKey));
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (java.io.IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a CRL with " + certificate.getSubjectX500Principal(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    private static X509Certificate sign(CertificateSpec spec, X500Name issuer, PrivateKey signingKey,
            X509Certificate issuerCertificate) {
        try {
            BigInteger serial = new BigInteger(127, RANDOM).setBit(126);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()), spec.subject(), spec.publicKey());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(spec.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCertificate == null
                    ? utils.createAuthorityKeyIdentifier(spec.publicKey())
                    : utils.createAuthorityKeyIdentifier(issuerCertificate));
            if (spec.isCertificateAuthority()) {
                builder.addExtension(Extension.basicConstraints, true, spec.pathLength() == null
                        ? new BasicConstraints(true) : new BasicConstraints(spec.pathLength()));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            }
            if (spec.keyUsageBits() != 0) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsageBits()));
            }
            if (!spec.extendedKeyUsages().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(spec.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            if (!spec.alternativeNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(spec.alternativeNames().toArray(GeneralName[]::new)));
            }
            X509CertificateHolder holder = builder.build(signer(signingKey));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (java.io.IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate for " + spec.subject(), e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(key)).build(key);
    }

    /** One revoked certificate as a CRL lists it. */
    public record RevokedEntry(X500Name issuer, BigInteger serial, Instant revokedAt, int reasonCode) {
    }
}
