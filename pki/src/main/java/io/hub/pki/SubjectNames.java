package io.hub.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Reads attributes of a certificate's subject as plain text (no RFC 4514 escaping), looking inside
 * multi-valued RDNs, so {@code CN=x+serialNumber=y} yields each attribute under its own type.
 */
final class SubjectNames {

    private SubjectNames() {
    }

    /** Every value of attribute {@code type} in the subject, in order. */
    static List<String> values(X509Certificate certificate, ASN1ObjectIdentifier type) {
        List<String> values = new ArrayList<>();
        for (AttributeTypeAndValue attribute : attributes(certificate)) {
            if (attribute.getType().equals(type)) {
                values.add(text(attribute.getValue()));
            }
        }
        return values;
    }

    static Optional<String> first(X509Certificate certificate, ASN1ObjectIdentifier type) {
        return values(certificate, type).stream().findFirst();
    }

    /** Each attribute as {@code NAME=value} (BC's short names, such as CN or SERIALNUMBER), decoded. */
    static List<String> displayed(X509Certificate certificate) {
        List<String> texts = new ArrayList<>();
        for (AttributeTypeAndValue attribute : attributes(certificate)) {
            String name = BCStyle.INSTANCE.oidToDisplayName(attribute.getType());
            texts.add((name == null ? attribute.getType().getId() : name) + "=" + text(attribute.getValue()));
        }
        return texts;
    }

    private static List<AttributeTypeAndValue> attributes(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        List<AttributeTypeAndValue> attributes = new ArrayList<>();
        for (RDN rdn : subject.getRDNs()) {
            attributes.addAll(List.of(rdn.getTypesAndValues()));
        }
        return attributes;
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String string ? string.getString() : IETFUtils.valueToString(value);
    }
}
