package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * An enrolled phone.
 *
 * @param mac its MAC, the key: a MAC belongs to one tenant at most
 * @param tenant the tenant that enrolled it
 * @param model the catalogue model name
 * @param extension the SIP user it registers as; null while it is not assigned to a user
 * @param displayName the name its screen and its calls show
 * @param site the site whose settings layer applies
 * @param region the SIP entry point region (eu1, latam1, apac1, na1)
 * @param state enabled or disabled
 * @param sipPassword the digest password its configuration carries (decrypted: it is sealed at rest)
 * @param certificate the certificate bound to it, and the one waiting for approval
 */
public record Device(MacAddress mac, String tenant, String model, String extension, String displayName, String site,
        String region, DeviceState state, String sipPassword, Instant createdAt, Instant updatedAt,
        CertificateBinding certificate) {

    public Device {
        certificate = certificate == null ? CertificateBinding.NONE : certificate;
    }

    /** A device with no certificate bound. */
    public Device(MacAddress mac, String tenant, String model, String extension, String displayName, String site,
            String region, DeviceState state, String sipPassword, Instant createdAt, Instant updatedAt) {
        this(mac, tenant, model, extension, displayName, site, region, state, sipPassword, createdAt, updatedAt,
                CertificateBinding.NONE);
    }

    /**
     * The SHA-256 (lower-case hex of the DER) of the certificate bound to this phone, if any. A phone
     * with a generic-CA certificate is served only with that certificate; so is a pinned one.
     */
    public Optional<String> certificateSha256() {
        return certificate.boundFingerprint();
    }

    /** True when the phone has a SIP user to register as. */
    public boolean isAssigned() {
        return extension != null && !extension.isBlank();
    }
}
