package io.hub.app;

import io.hub.provisioning.Phones;
import io.hub.sip.CallSummary;
import io.hub.sip.SipService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        List<CallSummary> active = sip.activeCalls();
        List<CallSummary> recent = sip.recentCalls();
        // Every AOR of both lists resolved in one query, not two lookups per call.
        Set<String> aors = new HashSet<>();
        for (List<CallSummary> records : List.of(active, recent)) {
            for (CallSummary record : records) {
                aors.add(record.caller());
                aors.add(record.callee());
            }
        }
        Set<String> tenants = TenantAors.macs(aors, domain, phones, tenant).keySet();
        return Map.of("active", rows(active, tenants), "recent", rows(recent, tenants));
    }

    private static List<Map<String, Object>> rows(List<CallSummary> records, Set<String> tenantAors) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CallSummary record : records) {
            if (!tenantAors.contains(record.caller()) && !tenantAors.contains(record.callee())) {
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
}
