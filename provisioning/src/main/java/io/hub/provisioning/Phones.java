package io.hub.provisioning;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.KeptDevices;
import io.hub.provisioning.tenants.Tenants;
import io.hub.provisioning.storage.StorageException;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.changes.KeptUntilChanged;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Accounts kept; past it the least used are evicted (the gauge {@value #KEPT_ACCOUNTS} shows the size). */
    static final int MAX_KEPT_ACCOUNTS = 100_000;
    static final String KEPT_ACCOUNTS = "hub.sip.accounts.kept";
    /** Kept at most this long even when no change is heard (a notice another node could not send). */
    static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final Tenants tenants;
    private final Enrollment enrollment;
    /** The device rows the device port keeps: a phone registers moments after its configuration was fetched. */
    private final KeptDevices keptDevices;
    /**
     * Each REGISTER asks for its extension's phone twice (challenge and answer): the device row and
     * the opening of its sealed password are kept per phone until a change to the device (a rotated
     * password, disabling, a delete, a new extension) or its tenant commits.
     */
    private final KeptUntilChanged<MacAddress, ProvisionedPhone> accounts;
    /** Which phone held a tenant's extension when last read; checked against the kept phone on use. */
    private final Map<String, MacAddress> holders = new ConcurrentHashMap<>();
    private final KeptUntilChanged<String, Optional<String>> certificatePolicies;
    private final KeptUntilChanged<String, TenantDomain> domains;

    Phones(Tenants tenants, Enrollment enrollment, KeptDevices keptDevices, ConfigChanges changes, Clock clock,
            MeterRegistry metrics) {
        this.tenants = tenants;
        this.enrollment = enrollment;
        this.keptDevices = keptDevices;
        this.accounts = new KeptUntilChanged<>(changes, KEPT_ACCOUNTS, "SIP accounts kept in memory, dropped by "
                + "every change to their device or tenant", MAX_KEPT_ACCOUNTS, MAX_AGE, clock, metrics,
                (change, phone) -> change.scope() == ConfigChange.Scope.TENANT && change.tenant().equals(phone.tenant()),
                change -> MacAddress.parse(change.name()));
        this.certificatePolicies = new KeptUntilChanged<>(changes, "hub.sip.tenant-policies.kept", "tenants' "
                + "sipClientCertificate kept in memory", 10_000, MAX_AGE, clock, metrics,
                (change, policy) -> change.scope() == ConfigChange.Scope.TENANT, change -> "");
        this.domains = new KeptUntilChanged<>(changes, "hub.sip.domains.kept", "SIP domains whose tenant is kept in "
                + "memory", 10_000, MAX_AGE, clock, metrics,
                (change, owner) -> change.scope() == ConfigChange.Scope.TENANT, change -> "");
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
            // Unknown names are not kept (a flood of them must not fill memory); they are read each time.
            return Optional.ofNullable(domains.get(host == null ? "" : host, () -> tenants.byDomain(host)
                    .map(owner -> new TenantDomain(owner.tenant(), owner.domain())).orElse(null)));
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
        String holder = tenant + "\n" + extension;
        MacAddress mac = holders.get(holder);
        ProvisionedPhone kept = mac == null ? null : accounts.kept(mac);
        if (kept != null && kept.tenant().equals(tenant) && extension.equals(kept.extension())) {
            return Optional.of(kept);
        }
        // Not kept as an account: the row its configuration fetch read is as current (the same changes drop
        // both). It is not copied into the accounts, where a new age would outlast that row's own.
        Device fetched = keptDevices.holding(tenant, extension);
        if (fetched != null) {
            return Optional.of(ProvisionedPhone.of(fetched));
        }
        try {
            long epoch = accounts.epoch();
            Optional<ProvisionedPhone> found = enrollment.byExtension(tenant, extension).map(ProvisionedPhone::of);
            found.ifPresent(phone -> {
                if (holders.size() >= MAX_KEPT_ACCOUNTS) {
                    holders.clear();
                }
                holders.put(holder, phone.mac());
                accounts.keep(phone.mac(), phone, epoch);
            });
            return found;
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
        return certificatePolicies.get(tenant, () -> tenants.sipClientCertificate(tenant));
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
