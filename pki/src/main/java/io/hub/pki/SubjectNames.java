package io.hub.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Reads attributes of a certificate's subject as plain text (no RFC 4514 escaping). */
final class SubjectNames {

    private SubjectNames() {
    }

    /** Every value of attribute {@code type} in the subject, in order. */
    static List<String> values(X509Certificate certificate, ASN1ObjectIdentifier type) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        List<String> values = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(type)) {
            values.add(text(rdn.getFirst().getValue()));
        }
        return values;
    }

    static Optional<String> first(X509Certificate certificate, ASN1ObjectIdentifier type) {
        return values(certificate, type).stream().findFirst();
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String string ? string.getString() : IETFUtils.valueToString(value);
    }
}
