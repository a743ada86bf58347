package io.hub.provisioning;

import io.hub.pki.DeviceIdentity;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PkiException;
import io.hub.pki.TrustedManufacturer;
import io.hub.pki.log.LogText;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.SeenCertificates;
import java.security.cert.X509CRL;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A revocation names a certificate (by serial, or in a manufacturer's CRL), and a phone that is
 * offline has no flow to judge it on. When the PKI's state changes, every certificate a device was
 * seen with is looked up: one now revoked takes its device off SIP and rotates the SIP password it
 * could fetch, once, so a copy of the old password stops working even where no certificate is
 * required on SIP.
 */
public final class RevokedCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(RevokedCertificates.class);

    private final HubPki pki;
    private final SeenCertificates seen;
    private final Enrollment enrollment;

    RevokedCertificates(HubPki pki, SeenCertificates seen, Enrollment enrollment) {
        this.pki = pki;
        this.seen = seen;
        this.enrollment = enrollment;
    }

    /** A certificate a device was seen with, revoked now, and why. */
    public record Revoked(MacAddress mac, String fingerprint, String detail) {
    }

    /**
     * Remembers a certificate another part of the hub accepted (SIP's REGISTERs; configuration
     * fetches are remembered by provisioning itself). A validation keeps the trusted CA's name, not
     * the leaf's issuer: the CA's own subject stands for it, which is the issuer for the phones it
     * signs directly and the key revocations by serial ({@code hub pki revoke --serial}) are kept under.
     */
    public void seen(DeviceIdentity identity) {
        pki.trusted().list().stream().filter(anchor -> anchor.name().equals(identity.issuer())).findFirst()
                .ifPresent(anchor -> seen.record(identity.mac(), identity.fingerprint(),
                        anchor.certificate().getSubjectX500Principal(), identity.serial()));
    }

    /**
     * Follows up every seen certificate revoked since: {@code takenOffSip} withdraws its phone from
     * SIP and answers whether it was registered (its withdrawal then rotates the password); one that
     * was not gets a new SIP password here. Each revocation is followed once.
     */
    public void follow(Predicate<Revoked> takenOffSip) {
        for (SeenCertificates.Seen certificate : seen.pending()) {
            Optional<String> revoked = revocation(certificate);
            if (revoked.isEmpty()) {
                continue;
            }
            if (!takenOffSip.test(new Revoked(certificate.mac(), certificate.fingerprint(), revoked.get()))) {
                enrollment.rotateSipPassword(certificate.mac(), "sip", "revoked: " + revoked.get());
            }
            seen.acted(certificate);
            LOG.info("revoked certificate followed mac={} fingerprint={} detail={}", certificate.mac(),
                    certificate.fingerprint(), LogText.of(revoked.get()));
        }
    }

    /** Why the certificate is revoked now, or empty when it is not. */
    private Optional<String> revocation(SeenCertificates.Seen certificate) {
        String serial = certificate.serial().toString(16);
        if (pki.revocations().isRevoked(certificate.issuer(), certificate.serial())) {
            return Optional.of("certificate " + serial + " seen for this device is revoked");
        }
        if (pki.revocations().isRevoked(certificate.mac())) {
            return Optional.of("device " + certificate.mac() + " is revoked");
        }
        for (TrustedManufacturer anchor : pki.trusted().list()) {
            if (!anchor.certificate().getSubjectX500Principal().equals(certificate.issuer())) {
                continue;
            }
            try {
                Optional<X509CRL> crl = pki.manufacturerCrls().of(anchor);
                if (crl.isPresent() && crl.get().getRevokedCertificate(certificate.serial()) != null) {
                    return Optional.of("certificate " + serial + " seen for this device is listed in the CRL of "
                            + anchor.name());
                }
            } catch (PkiException e) {
                LOG.warn("imported CRL of {} not read: {}", anchor.name(), LogText.of(e.getMessage()));
            }
        }
        return Optional.empty();
    }
}
