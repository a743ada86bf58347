package io.hub.provisioning;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.tenants.Tenants;
import io.hub.provisioning.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the rest of the hub (SIP) asks of provisioning's phones and tenants: which phone holds an
 * extension of a tenant, which tenant owns a SIP domain, and the password rotation that follows a
 * phone taken off SIP. Changes are made through the admin API, never here.
 */
public final class Phones {

    /** The values of {@code sipClientCertificate}, the hub's ({@code hub.yaml}) and a tenant's own. */
    public static final List<String> SIP_CLIENT_CERTIFICATE = Tenants.SIP_CLIENT_CERTIFICATE;

    private final Tenants tenants;
    private final Enrollment enrollment;

    Phones(Tenants tenants, Enrollment enrollment) {
        this.tenants = tenants;
        this.enrollment = enrollment;
    }

    /**
     * The tenant a SIP domain names, and its domain as the hub writes it.
     *
     * @param tenant the tenant's id
     * @param domain the tenant's SIP domain, canonical (the hub's own names all map to the default
     *     tenant's one domain)
     */
    public record TenantDomain(String tenant, String domain) {
    }

    /** The tenant that owns {@code host} (its domain or, for the default tenant, one of the hub's names). */
    public Optional<TenantDomain> tenantOf(String host) {
        try {
            return tenants.byDomain(host).map(owner -> new TenantDomain(owner.tenant(), owner.domain()));
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /** The tenant's SIP domain. */
    public String domainOf(String tenant) {
        return tenants.domainOf(tenant);
    }

    /** The default tenant's SIP domain. */
    public String hubDomain() {
        return tenants.hubDomain().domain();
    }

    /** The phone that holds {@code extension} in {@code tenant}, if any. */
    public Optional<ProvisionedPhone> byExtension(String tenant, String extension) {
        try {
            return enrollment.byExtension(tenant, extension).map(ProvisionedPhone::of);
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /**
     * The MACs of the tenant's phones that hold these extensions, by extension, in one query
     * whatever their number: the registrations and calls views resolve every live AOR at once.
     * Extensions no phone of the tenant holds are absent.
     */
    public java.util.Map<String, MacAddress> macsByExtension(String tenant, java.util.Collection<String> extensions) {
        try {
            return enrollment.macsByExtension(tenant, extensions);
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /** The tenant's own {@code sipClientCertificate}; empty when it follows the hub's. */
    public Optional<String> sipClientCertificate(String tenant) {
        return tenants.sipClientCertificate(tenant);
    }

    /**
     * Gives the phone a new SIP password (audited as {@code actor} with {@code why}), so a copy of
     * the old one stops working; its configuration carries the new one.
     *
     * @return false when no such phone exists
     */
    public boolean rotateSipPassword(MacAddress mac, String actor, String why) {
        return enrollment.rotateSipPassword(mac, actor, why);
    }

    /**
     * Calls {@code listener} with the phone as it was, once an admin's change committed, whenever the
     * phone may no longer register as that extension: deleted, disabled, or moved to another one.
     */
    public void onRegistrationEnded(Consumer<ProvisionedPhone> listener) {
        enrollment.onChange(change -> {
            if (change.endsRegistration()) {
                listener.accept(ProvisionedPhone.of(change.before()));
            }
        });
    }
}
