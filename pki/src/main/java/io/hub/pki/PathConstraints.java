package io.hub.pki;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The constraints a CA places on the certificates below it, the trust anchor's included: the JDK's
 * PKIX validator takes the anchor as a bare key and name, so its CA flag, path length, key usage and
 * name constraints would otherwise bind nothing (RFC 5280 §6.1 leaves that to the implementation;
 * a manufacturer that constrains its root expects it to hold).
 *
 * <p>The path is leaf first, the anchor not in it. Self-issued intermediates (a key rollover) do not
 * count against a path length and their subject is not checked against name constraints, as in
 * RFC 5280 §4.2.1.9 and §4.2.1.10.
 */
final class PathConstraints {

    private PathConstraints() {
    }

    /** Null when the path keeps every constraint, else which one it breaks and where. */
    static String violation(List<X509Certificate> path, TrustedManufacturer anchor) {
        X509Certificate anchorCertificate = anchor.certificate();
        String anchorName = "trusted CA " + anchor.name();
        if (anchorCertificate.getBasicConstraints() < 0) {
            return anchorName + " is not a CA (no basicConstraints CA:TRUE)";
        }
        boolean[] keyUsage = anchorCertificate.getKeyUsage();
        if (keyUsage != null && (keyUsage.length < 6 || !keyUsage[5])) {
            return anchorName + " may not sign certificates (its key usage lacks keyCertSign)";
        }
        String length = pathLengthViolation(path, anchorCertificate, anchorName);
        return length != null ? length : nameViolation(path, anchorCertificate, anchorName);
    }

    /** Each CA, the anchor included, allows at most its pathLenConstraint of intermediates below it. */
    private static String pathLengthViolation(List<X509Certificate> path, X509Certificate anchor, String anchorName) {
        int below = 0;
        for (int i = 1; i <= path.size(); i++) {
            X509Certificate ca = i == path.size() ? anchor : path.get(i);
            int allowed = ca.getBasicConstraints();
            if (allowed >= 0 && below > allowed) {
                String who = i == path.size() ? anchorName : subject(ca);
                return who + " allows " + allowed + " intermediate CA(s) below it (pathLenConstraint), the path has "
                        + below;
            }
            if (i < path.size() && !selfIssued(ca)) {
                below++;
            }
        }
        return null;
    }

    /**
     * Walks down from the anchor: each certificate's subject and alternative names must lie inside
     * the subtrees permitted so far and outside the excluded ones; a CA's own constraints then narrow
     * what its subordinates may be named.
     */
    private static String nameViolation(List<X509Certificate> path, X509Certificate anchor, String anchorName) {
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        boolean constrained = addConstraints(validator, holder(anchor));
        for (int i = path.size() - 1; i >= 0; i--) {
            X509Certificate certificate = path.get(i);
            X509CertificateHolder holder = holder(certificate);
            if (constrained) {
                String outside = outside(validator, holder, i == 0 || !selfIssued(certificate));
                if (outside != null) {
                    return subject(certificate) + " is outside the name constraints set from " + anchorName
                            + " down: " + outside;
                }
            }
            if (i > 0) {
                constrained |= addConstraints(validator, holder);
            }
        }
        return null;
    }

    private static boolean addConstraints(PKIXNameConstraintValidator validator, X509CertificateHolder holder) {
        Extension extension = holder.getExtension(Extension.nameConstraints);
        if (extension == null) {
            return false;
        }
        NameConstraints constraints = NameConstraints.getInstance(extension.getParsedValue());
        if (constraints.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(constraints.getPermittedSubtrees());
        }
        if (constraints.getExcludedSubtrees() != null) {
            for (GeneralSubtree excluded : constraints.getExcludedSubtrees()) {
                validator.addExcludedSubtree(excluded);
            }
        }
        return true;
    }

    private static String outside(PKIXNameConstraintValidator validator, X509CertificateHolder holder,
            boolean checkSubject) {
        X500Name subject = holder.getSubject();
        try {
            if (checkSubject && subject.getRDNs().length > 0) {
                validator.checkPermittedDN(subject);
                validator.checkExcludedDN(subject);
                for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
                    for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                        check(validator, new GeneralName(GeneralName.rfc822Name, text(value.getValue())));
                    }
                }
            }
            GeneralNames alternatives = GeneralNames.fromExtensions(holder.getExtensions(),
                    Extension.subjectAlternativeName);
            if (alternatives != null) {
                for (GeneralName name : alternatives.getNames()) {
                    check(validator, name);
                }
            }
            return null;
        } catch (NameConstraintValidatorException e) {
            return PemFiles.oneLine(e);
        }
    }

    private static void check(PKIXNameConstraintValidator validator, GeneralName name)
            throws NameConstraintValidatorException {
        validator.checkPermitted(name);
        validator.checkExcluded(name);
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String string ? string.getString() : value.toString();
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new X509CertificateHolder(certificate.getEncoded());
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalArgumentException("unreadable certificate " + subject(certificate), e);
        }
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
