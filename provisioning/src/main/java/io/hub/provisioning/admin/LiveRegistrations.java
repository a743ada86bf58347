package io.hub.provisioning.admin;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code registrations} live view read back by MAC, so the device list can show each phone's
 * bindings without provisioning knowing the registrar. The view is the one {@code GET
 * /admin/v1/registrations} serves: {@code {"registrations": [{"mac", "flow", "source", …}]}}; a hub
 * without SIP publishes none, and then no phone is registered.
 */
final class LiveRegistrations {

    /** The binding fields the device list shows. */
    private static final List<String> SHOWN = List.of("aor", "flow", "source", "transport", "registeredAt",
            "refreshedAt", "lastKeepalive", "expires", "userAgent", "certificateMac");

    private LiveRegistrations() {
    }

    static Map<String, List<Map<String, Object>>> byMac(LiveViews views, String tenant) {
        Map<String, List<Map<String, Object>>> byMac = new HashMap<>();
        Optional<Object> view = views.answer("registrations", tenant);
        if (view.isEmpty() || !(view.get() instanceof Map<?, ?> answer)
                || !(answer.get("registrations") instanceof List<?> rows)) {
            return byMac;
        }
        for (Object row : rows) {
            if (row instanceof Map<?, ?> binding && binding.get("mac") instanceof String mac) {
                Map<String, Object> shown = new LinkedHashMap<>();
                for (String field : SHOWN) {
                    shown.put(field, binding.get(field));
                }
                byMac.computeIfAbsent(mac, key -> new java.util.ArrayList<>()).add(shown);
            }
        }
        return byMac;
    }

    /** The AORs of the tenant's active calls, callers and callees, as the call router publishes them. */
    static java.util.Set<String> aorsInCalls(LiveViews views, String tenant) {
        java.util.Set<String> aors = new java.util.HashSet<>();
        Optional<Object> view = views.answer("calls", tenant);
        if (view.isEmpty() || !(view.get() instanceof Map<?, ?> answer)
                || !(answer.get("active") instanceof List<?> calls)) {
            return aors;
        }
        for (Object call : calls) {
            if (call instanceof Map<?, ?> row) {
                for (String side : List.of("caller", "callee")) {
                    if (row.get(side) instanceof String aor) {
                        aors.add(aor);
                    }
                }
            }
        }
        return aors;
    }
}
