package io.hub.app;

import io.hub.pki.MacAddress;
import io.hub.provisioning.Phones;
import io.hub.provisioning.ProvisionedPhone;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which of a tenant's phones the AORs the registrar and the call router hold name. An AOR is the
 * tenant's when its domain is the tenant's {@code domain} (the registrar stores and the router writes
 * AORs in their tenant's domain as the hub writes it) and its user one of the tenant's extensions.
 *
 * <p>The live views resolve all their AORs with {@link #macs} in one query, however many phones are
 * registered or in calls: the console reads these views for every page of its device list.
 */
final class TenantAors {

    private TenantAors() {
    }

    /** The MAC of the tenant's phone each AOR names, by AOR; AORs of no phone of the tenant are absent. */
    static Map<String, MacAddress> macs(Collection<String> aors, String domain, Phones phones, String tenant) {
        Map<String, String> extensionOf = new HashMap<>();
        for (String aor : aors) {
            extension(aor, domain).ifPresent(extension -> extensionOf.put(aor, extension));
        }
        Map<String, MacAddress> byExtension = phones.macsByExtension(tenant, extensionOf.values().stream()
                .distinct().toList());
        Map<String, MacAddress> macs = new HashMap<>();
        extensionOf.forEach((aor, extension) -> {
            MacAddress mac = byExtension.get(extension);
            if (mac != null) {
                macs.put(aor, mac);
            }
        });
        return macs;
    }

    /** The tenant's phone one AOR names, for a single event (a registration), looked up alone. */
    static Optional<ProvisionedPhone> phone(String aor, String domain, Phones phones, String tenant) {
        return extension(aor, domain).flatMap(extension -> phones.byExtension(tenant, extension));
    }

    /** The user part of an AOR in {@code domain}; empty for an AOR of another domain or no user. */
    private static Optional<String> extension(String aor, String domain) {
        String address = aor.replaceFirst("^sips?:", "");
        int at = address.lastIndexOf('@');
        if (at <= 0 || !address.substring(at + 1).equalsIgnoreCase(domain)) {
            return Optional.empty();
        }
        return Optional.of(address.substring(0, at));
    }
}
