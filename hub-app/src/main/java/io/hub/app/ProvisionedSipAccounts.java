package io.hub.app;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceState;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.storage.StorageException;
import io.hub.provisioning.tenants.Tenants;
import io.hub.sip.SipAccount;
import io.hub.sip.SipAccounts;
import io.hub.sip.StoreUnavailableException;
import java.util.Optional;

/**
 * The registrar's view of provisioning: an AOR's domain names a tenant (the default tenant for the
 * hub's own domain and names), its user is an extension of that tenant's devices, its password the
 * one the device's configuration carries. The same extension in two tenants is two accounts; a
 * domain no tenant owns has none. The registrar receives digest hashes only, with the tenant's
 * domain as realm and AOR domain, so an alias of the hub's domain registers under the one AOR.
 */
final class ProvisionedSipAccounts implements SipAccounts {

    private final Tenants tenants;
    private final Enrollment enrollment;
    private final ClientCertificatePolicy certificates;

    /** @param certificates whether a tenant's phones must present their certificate */
    ProvisionedSipAccounts(Tenants tenants, Enrollment enrollment, ClientCertificatePolicy certificates) {
        this.tenants = tenants;
        this.enrollment = enrollment;
        this.certificates = certificates;
    }

    @Override
    public Optional<SipAccount> account(String user, String domain) {
        try {
            return tenants.byDomain(domain).flatMap(owner -> enrollment.byExtension(owner.tenant(), user)
                    .map(device -> account(user, owner.domain(), device)));
        } catch (StorageException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> canonicalDomain(String host) {
        return tenants.byDomain(host).map(Tenants.DomainOwner::domain);
    }

    /** A generic-CA phone is accepted on SIP only with the certificate bound to its device. */
    private SipAccount account(String user, String domain, Device device) {
        return new SipAccount(user, domain, device.sipPassword(), Optional.of(device.mac()),
                device.state() == DeviceState.ENABLED, device.certificateSha256(),
                certificates.required(device.tenant()));
    }
}
