package io.hub.app;

import io.hub.provisioning.Phones;
import io.hub.provisioning.ProvisionedPhone;
import io.hub.provisioning.Provisioning;
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

    private final Phones phones;
    private final ClientCertificatePolicy certificates;

    /** @param certificates whether a tenant's phones must present their certificate */
    ProvisionedSipAccounts(Phones phones, ClientCertificatePolicy certificates) {
        this.phones = phones;
        this.certificates = certificates;
    }

    @Override
    public Optional<SipAccount> account(String user, String domain) {
        try {
            return phones.tenantOf(domain).flatMap(owner -> phones.byExtension(owner.tenant(), user)
                    .map(phone -> account(user, owner.domain(), phone)));
        } catch (Provisioning.StorageRefused e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> canonicalDomain(String host) {
        return phones.tenantOf(host).map(Phones.TenantDomain::domain);
    }

    /** A generic-CA phone is accepted on SIP only with the certificate bound to its device. */
    private SipAccount account(String user, String domain, ProvisionedPhone phone) {
        return new SipAccount(user, domain, phone.sipPassword(), Optional.of(phone.mac()), phone.enabled(),
                phone.certificateSha256(), certificates.required(phone.tenant()));
    }
}
