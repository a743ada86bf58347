package io.hub.provisioning.admin;

import io.hub.provisioning.Refusal;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditSearch;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.fleet.FleetDevice;
import io.hub.provisioning.fleet.FleetFilter;
import io.hub.provisioning.fleet.FleetSearch;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.storage.Database;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The console's read routes: {@code GET /admin/v1/fleet} (the device list joined with the live
 * registrations, with search, filters, paging and the filters' choices) and
 * {@code GET /admin/v1/audit/search} (the audit log by MAC, action, outcome, reason, actor and
 * time). Everything is the token's tenant's; the operator's audit search reads every row.
 */
final class FleetAdmin {

    private final FleetSearch search;
    private final AuditSearch auditSearch;
    private final FirmwareStore firmware;
    private final LiveViews liveViews;

    FleetAdmin(Database database, FirmwareStore firmware, LiveViews liveViews) {
        this.search = new FleetSearch(database);
        this.auditSearch = new AuditSearch(database);
        this.firmware = firmware;
        this.liveViews = liveViews;
    }

    /** Serves the request when it is one of these routes; false otherwise. */
    boolean route(Fields query, Response response, Callback callback, String path, String method, String tenant) {
        if (!method.equals("GET")) {
            return false;
        }
        switch (path) {
            case "/admin/v1/fleet" -> Responses.json(response, callback, 200, fleet(tenant, new FleetFilter(
                    query.getValue("q"), query.getValue("site"), query.getValue("model"), query.getValue("state"),
                    query.getValue("live"), number(query, "page", 0, Integer.MAX_VALUE),
                    Math.max(1, number(query, "size", 50, FleetFilter.MAX_SIZE)))));
            case "/admin/v1/audit/search" -> Responses.json(response, callback, 200, Map.of("events",
                    auditSearch.find(AdminApi.isOperator(tenant) ? null : tenant, auditQuery(query))));
            default -> {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> fleet(String tenant, FleetFilter filter) {
        Map<String, List<Map<String, Object>>> bindings = LiveRegistrations.byMac(liveViews, tenant);
        java.util.Set<String> inCalls = LiveRegistrations.aorsInCalls(liveViews, tenant);
        FleetSearch.Page found = search.page(tenant, filter, bindings.keySet());
        List<FleetDevice> page = search.withExtras(found.devices());
        Map<String, Optional<FirmwareImage>> targets = new HashMap<>();
        List<Map<String, Object>> devices = new ArrayList<>();
        for (FleetDevice device : page) {
            Optional<FirmwareImage> target = targets.computeIfAbsent(device.model(),
                    model -> firmware.target(tenant, model));
            devices.add(json(device, target.map(FirmwareImage::version).orElse(null),
                    bindings.getOrDefault(device.mac(), List.of()), inCalls));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("page", filter.page());
        json.put("size", filter.size());
        json.put("total", found.total());
        json.put("registered", found.registered());
        json.putAll(search.facets(tenant));
        json.put("devices", devices);
        return json;
    }

    private static Map<String, Object> json(FleetDevice device, String targetFirmware,
            List<Map<String, Object>> bindings, java.util.Set<String> aorsInCalls) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mac", device.mac());
        json.put("model", device.model());
        json.put("extension", device.extension());
        json.put("displayName", device.displayName());
        json.put("site", device.site());
        json.put("region", device.region());
        json.put("state", device.state());
        json.put("certificate", device.certificate());
        json.put("updatedAt", device.updatedAt());
        json.put("registered", !bindings.isEmpty());
        json.put("bindings", bindings);
        json.put("inCall", bindings.stream().anyMatch(binding -> aorsInCalls.contains(binding.get("aor"))));
        Map<String, Object> contact = null;
        if (device.lastContactAt() != null) {
            contact = new LinkedHashMap<>();
            contact.put("at", device.lastContactAt());
            contact.put("kind", device.lastContactKind());
            contact.put("sourceIp", device.lastContactIp());
        }
        json.put("lastContact", contact);
        Map<String, Object> firmware = new LinkedHashMap<>();
        firmware.put("running", device.firmwareRunning());
        firmware.put("target", targetFirmware);
        firmware.put("upToDate", targetFirmware == null || targetFirmware.equals(device.firmwareRunning()));
        json.put("firmware", firmware);
        json.put("dhcpAlerts", device.dhcpAlerts());
        Map<String, Object> resync = null;
        if (device.resyncOutcome() != null) {
            resync = new LinkedHashMap<>();
            resync.put("outcome", device.resyncOutcome());
            resync.put("at", device.resyncAt());
        }
        json.put("resync", resync);
        return json;
    }

    private static AuditSearch.Query auditQuery(Fields query) {
        String mac = query.getValue("mac");
        String since = query.getValue("since");
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since.strip());
            } catch (DateTimeParseException e) {
                throw new ProvisioningException(Refusal.INVALID_QUERY, "since must be a time such as "
                        + "2026-12-04T10:00:00Z");
            }
        }
        String parsedMac = null;
        if (mac != null && !mac.isBlank()) {
            try {
                parsedMac = MacAddress.parse(mac.strip()).value();
            } catch (IllegalArgumentException e) {
                throw new ProvisioningException(Refusal.MALFORMED_MAC, e.getMessage());
            }
        }
        return new AuditSearch.Query(parsedMac, blank(query.getValue("action")), blank(query.getValue("outcome")),
                blank(query.getValue("reason")), blank(query.getValue("actor")), from,
                Math.max(1, number(query, "limit", 100, 10_000)));
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int number(Fields query, String name, int fallback, int max) {
        String value = query.getValue(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new ProvisioningException(Refusal.INVALID_QUERY, name + " must be a number from 0 to " + max);
    }
}
