package io.hub.pki;

import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * What a certificate should say: subject, key, validity, CA-ness, usages and alternative names.
 * Built fluently; {@link CertificateAuthority#issue} turns it into a signed certificate.
 */
public final class CertificateSpec {

    private final X500Name subject;
    private final PublicKey publicKey;
    private Instant notBefore;
    private Instant notAfter;
    private boolean certificateAuthority;
    private Integer pathLength;
    private int keyUsage;
    private final List<KeyPurposeId> extendedKeyUsages = new ArrayList<>();
    private final List<GeneralName> alternativeNames = new ArrayList<>();

    private CertificateSpec(X500Name subject, PublicKey publicKey) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /**
     * A spec for {@code subject}, an RFC 4514 name such as {@code CN=x,O=y}, holding {@code publicKey}.
     * As in RFC 4514 the most specific attribute comes first in the text and last in the encoding.
     */
    public static CertificateSpec forSubject(String subject, PublicKey publicKey) {
        return new CertificateSpec(X500Name.getInstance(new X500Principal(subject).getEncoded()), publicKey);
    }

    public static CertificateSpec forSubject(X500Name subject, PublicKey publicKey) {
        return new CertificateSpec(subject, publicKey);
    }

    public CertificateSpec validity(Instant notBefore, Duration lifetime) {
        this.notBefore = notBefore;
        this.notAfter = notBefore.plus(lifetime);
        return this;
    }

    public CertificateSpec validity(Instant notBefore, Instant notAfter) {
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    /** Marks the certificate as a CA; {@code pathLength} null means unlimited. */
    public CertificateSpec certificateAuthority(Integer pathLength) {
        this.certificateAuthority = true;
        this.pathLength = pathLength;
        this.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature;
        return this;
    }

    /** Replaces the key usage bits ({@link KeyUsage} constants); 0 leaves the extension out. */
    public CertificateSpec keyUsage(int bits) {
        this.keyUsage = bits;
        return this;
    }

    public CertificateSpec extendedKeyUsage(KeyPurposeId... purposes) {
        extendedKeyUsages.addAll(List.of(purposes));
        return this;
    }

    public CertificateSpec dnsName(String name) {
        alternativeNames.add(new GeneralName(GeneralName.dNSName, name));
        return this;
    }

    public CertificateSpec ipAddress(String address) {
        alternativeNames.add(new GeneralName(GeneralName.iPAddress, address));
        return this;
    }

    public CertificateSpec uri(String uri) {
        alternativeNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        return this;
    }

    X500Name subject() {
        return subject;
    }

    PublicKey publicKey() {
        return publicKey;
    }

    Instant notBefore() {
        return Objects.requireNonNull(notBefore, "validity not set");
    }

    Instant notAfter() {
        return Objects.requireNonNull(notAfter, "validity not set");
    }

    boolean isCertificateAuthority() {
        return certificateAuthority;
    }

    Integer pathLength() {
        return pathLength;
    }

    int keyUsageBits() {
        return keyUsage;
    }

    List<KeyPurposeId> extendedKeyUsages() {
        return extendedKeyUsages;
    }

    List<GeneralName> alternativeNames() {
        return alternativeNames;
    }
}
