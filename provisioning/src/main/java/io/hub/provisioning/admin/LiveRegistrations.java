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
}
