package io.hub.app;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.tenants.Tenants;
import io.hub.sip.SipService;
import io.hub.sip.location.Binding;
import io.hub.sip.transport.Flow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registrations a tenant sees at {@code GET /admin/v1/registrations}: the bindings of its domain's
 * AORs with their flows (source address, TLS cipher, last keepalive), the device that holds the
 * extension and the MAC of the client certificate.
 */
final class Registrations {

    private Registrations() {
    }

    static Map<String, Object> of(SipService sip, Tenants tenants, Enrollment enrollment, String tenant) {
        List<Map<String, Object>> rows = new ArrayList<>();
        java.util.Set<Long> flows = new java.util.HashSet<>();
        String domain = tenants.domainOf(tenant);
        Instant now = Instant.now();
        for (Binding binding : sip.location().all()) {
            Optional<Device> device = CallList.deviceOf(binding.aor(), domain, enrollment, tenant);
            if (device.isEmpty()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("aor", binding.aor());
            row.put("mac", device.get().mac().value());
            row.put("contact", binding.contact());
            row.put("instance", binding.instance());
            row.put("regId", binding.regId());
            row.put("expires", Math.max(0, binding.expiresAt().getEpochSecond() - now.getEpochSecond()));
            row.put("registeredAt", binding.registeredAt());
            row.put("refreshedAt", binding.refreshedAt());
            row.put("userAgent", binding.userAgent());
            row.put("certificateMac", binding.deviceMac());
            Optional<Flow> flow = sip.location().flow(binding);
            flow.ifPresent(up -> flows.add(binding.flowId()));
            row.put("flow", flow.isPresent() ? "up" : "none");
            row.put("source", binding.source());
            row.put("transport", binding.transport());
            row.put("cipher", binding.cipher());
            row.put("lastKeepalive", flow.map(Flow::lastKeepalive).orElse(null));
            rows.add(row);
        }
        // The tenant's own flows: the hub-wide count would tell one tenant about the others' phones.
        return Map.of("registrations", rows, "flows", flows.size());
    }
}
