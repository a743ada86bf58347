package io.hub.app;

import io.hub.provisioning.Phones;
import io.hub.provisioning.ProvisionedPhone;
import io.hub.sip.CallSummary;
import io.hub.sip.SipService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls a tenant sees at {@code GET /admin/v1/calls}: the active ones with live media figures
 * per leg, and the latest ended ones with how they ended. A call is the tenant's when its caller's
 * or callee's AOR is in the tenant's domain and names one of its phones.
 */
final class CallList {

    private CallList() {
    }

    static Map<String, Object> of(SipService sip, Phones phones, String tenant) {
        String domain = phones.domainOf(tenant);
        return Map.of("active", rows(sip.activeCalls(), domain, phones, tenant),
                "recent", rows(sip.recentCalls(), domain, phones, tenant));
    }

    private static List<Map<String, Object>> rows(List<CallSummary> records, String domain, Phones phones,
            String tenant) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CallSummary record : records) {
            if (phoneOf(record.caller(), domain, phones, tenant).isEmpty()
                    && phoneOf(record.callee(), domain, phones, tenant).isEmpty()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", record.id());
            row.put("caller", record.caller());
            row.put("callee", record.callee());
            row.put("startedAt", record.startedAt());
            row.put("answeredAt", record.answeredAt());
            row.put("endedAt", record.endedAt());
            row.put("cause", record.cause());
            row.put("status", record.status());
            row.put("media", record.media());
            rows.add(row);
        }
        return rows;
    }

    /**
     * The tenant's device an AOR names: its domain must be the tenant's {@code domain} (the registrar
     * stores and the router writes AORs in their tenant's domain as the hub writes it) and its user
     * one of the tenant's extensions.
     */
    static Optional<ProvisionedPhone> phoneOf(String aor, String domain, Phones phones, String tenant) {
        String address = aor.replaceFirst("^sips?:", "");
        int at = address.lastIndexOf('@');
        if (at <= 0 || !address.substring(at + 1).equalsIgnoreCase(domain)) {
            return Optional.empty();
        }
        return phones.byExtension(tenant, address.substring(0, at));
    }
}
