package io.hub.app;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceState;
import io.hub.provisioning.devices.Enrollment;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.SipCredentials;
import java.util.Locale;
import java.util.Optional;

/**
 * The registrar's view of provisioning: an AOR's user is a device's extension, its password the one
 * the device's configuration carries. The registrar receives digest hashes only.
 */
final class ProvisionedSipAccounts implements CredentialSource {

    private final Enrollment enrollment;
    private final String sipDomain;
    private final ClientCertificatePolicy certificates;

    /**
     * @param sipDomain the only domain accepted, or null to accept whatever domain phones were given
     * @param certificates whether a tenant's phones must present their certificate
     */
    ProvisionedSipAccounts(Enrollment enrollment, String sipDomain, ClientCertificatePolicy certificates) {
        this.enrollment = enrollment;
        this.sipDomain = sipDomain == null ? null : sipDomain.toLowerCase(Locale.ROOT);
        this.certificates = certificates;
    }

    @Override
    public Optional<SipCredentials> lookup(String user, String domain) {
        if (sipDomain != null && !sipDomain.equals(domain)) {
            return Optional.empty();
        }
        Optional<Device> device = enrollment.byExtension(user);
        return device.map(d -> DigestAuthenticator.credentials(user, domain, d.sipPassword(), Optional.of(d.mac()),
                d.state() == DeviceState.ENABLED).withCertificate(
                        Optional.empty(), // to be Device.certificateSha256(), the fingerprint bound to the phone
                        certificates.required(d.tenant())));
    }
}
