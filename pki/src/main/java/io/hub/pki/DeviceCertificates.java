package io.hub.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Emulated factory certificates: what a manufacturer CA puts in a phone at the factory. The subject
 * is {@code CN=<mac or model>, [serialNumber=<mac>,] OU=<model>, O=<CA's organisation>}, the MAC goes where the request
 * says, and the usage is TLS client authentication.
 */
public final class DeviceCertificates {

    private DeviceCertificates() {
    }

    /** Issues a certificate and a fresh key for the phone {@code request} describes. */
    public static IssuedCertificate issue(CertificateAuthority manufacturer, DeviceCertificateRequest request,
            Clock clock) {
        KeyPair keys = request.keyType().generate();
        Instant notBefore = request.notBefore().orElseGet(clock::instant);
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        // Encoded from the most general attribute to the most specific, as RFC 4514 text reverses it.
        subject.addRDN(BCStyle.O, organisationOf(manufacturer.certificate()));
        subject.addRDN(BCStyle.OU, request.model());
        if (request.placement() == MacPlacement.SERIAL) {
            subject.addRDN(BCStyle.SERIALNUMBER, request.mac().value());
        }
        subject.addRDN(BCStyle.CN, request.placement() == MacPlacement.CN ? request.mac().value() : request.model());
        int usage = request.keyType() == KeyType.RSA_3072
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
        CertificateSpec spec = CertificateSpec.forSubject(subject.build(), keys.getPublic())
                .validity(notBefore, request.lifetime())
                .keyUsage(usage)
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
        if (request.placement() == MacPlacement.SAN) {
            spec.uri(MacRule.MAC_URN_PREFIX + request.mac().value());
        }
        return new IssuedCertificate(manufacturer.issue(spec), keys);
    }

    private static String organisationOf(X509Certificate certificate) {
        return SubjectNames.first(certificate, BCStyle.O).orElse("Unknown Manufacturer");
    }

    /** A certificate with the key pair it was issued for. */
    public record IssuedCertificate(X509Certificate certificate, KeyPair keys) {
    }
}
