package io.hub.app;

import io.hub.pki.MacAddress;
import io.hub.provisioning.Phones;
import io.hub.sip.Registration;
import io.hub.sip.SipService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrations a tenant sees at {@code GET /admin/v1/registrations}: the bindings of its domain's
 * AORs with their flows (source address, TLS cipher, last keepalive), the device that holds the
 * extension and the MAC of the client certificate. On a node of a cluster, the other nodes' too.
 */
final class Registrations {

    private Registrations() {
    }

    static Map<String, Object> of(SipService sip, Phones phones, String tenant) {
        return of(sip, phones, tenant, null, null);
    }

    /**
     * On a node of a cluster ({@code self} not null), also the registrations the other nodes hold
     * ({@code flow} {@code "elsewhere"}), and every row names its {@code node}.
     */
    static Map<String, Object> of(SipService sip, Phones phones, String tenant, String self,
            io.hub.app.node.RegistrationsElsewhere elsewhere) {
        List<Map<String, Object>> rows = new ArrayList<>();
        java.util.Set<Long> flows = new java.util.HashSet<>();
        String domain = phones.domainOf(tenant);
        Instant now = Instant.now();
        List<Registration> registrations = new ArrayList<>(sip.registrations());
        Map<Registration, String> nodes = new java.util.IdentityHashMap<>();
        registrations.forEach(registration -> nodes.put(registration, self));
        String otherNodes = null;
        if (elsewhere != null) {
            try {
                for (io.hub.app.node.RegistrationsElsewhere.Held held : elsewhere.list(now)) {
                    registrations.add(held.registration());
                    nodes.put(held.registration(), held.node());
                }
                otherNodes = "listed";
            } catch (IllegalStateException e) {
                // The database does not answer: this node's own registrations are still worth listing.
                otherNodes = "unavailable";
            }
        }
        // Every AOR resolved in one query: a lookup per binding is a query per registered phone.
        Map<String, MacAddress> macs = TenantAors.macs(registrations.stream().map(Registration::aor).distinct()
                .toList(), domain, phones, tenant);
        for (Registration registration : registrations) {
            MacAddress mac = macs.get(registration.aor());
            if (mac == null) {
                continue;
            }
            boolean local = self == null || self.equals(nodes.get(registration));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("aor", registration.aor());
            row.put("mac", mac.value());
            row.put("contact", registration.contact());
            row.put("instance", registration.instance());
            row.put("regId", registration.regId());
            row.put("expires", Math.max(0, registration.expiresAt().getEpochSecond() - now.getEpochSecond()));
            row.put("registeredAt", registration.registeredAt());
            row.put("refreshedAt", registration.refreshedAt());
            row.put("userAgent", registration.userAgent());
            row.put("certificateMac", registration.certificateMac());
            if (registration.flowUp()) {
                flows.add(registration.flowId());
            }
            row.put("flow", !local ? "elsewhere" : registration.flowUp() ? "up" : "none");
            if (self != null) {
                row.put("node", nodes.get(registration));
            }
            row.put("source", registration.source());
            row.put("transport", registration.transport());
            row.put("cipher", registration.cipher());
            row.put("lastKeepalive", registration.lastKeepalive());
            rows.add(row);
        }
        // The tenant's own flows: the hub-wide count would tell one tenant about the others' phones.
        return otherNodes == null ? Map.of("registrations", rows, "flows", flows.size())
                : Map.of("registrations", rows, "flows", flows.size(), "otherNodes", otherNodes);
    }
}
