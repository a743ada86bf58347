package io.hub.provisioning.admin;

import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.fleet.FleetDevice;
import io.hub.provisioning.fleet.FleetFilter;
import io.hub.provisioning.fleet.FleetSearch;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.storage.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /admin/v1/fleet}, the console's device list: the devices joined with the live
 * registrations, with search, filters, paging and the filters' choices; the token's tenant's.
 */
final class FleetRoute extends AdminRoute {

    static final String PATH = "/admin/v1/fleet";

    private final FleetSearch search;
    private final FirmwareStore firmware;
    private final LiveViews liveViews;

    FleetRoute(Database database, FirmwareStore firmware, LiveViews liveViews) {
        super("GET");
        this.search = new FleetSearch(database);
        this.firmware = firmware;
        this.liveViews = liveViews;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        Responses.json(response, callback, 200, fleet(call.tenant(), new FleetFilter(query.getValue("q"),
                query.getValue("site"), query.getValue("model"), query.getValue("state"), query.getValue("live"),
                AdminInput.formNumber(query, "page", 0, Integer.MAX_VALUE),
                Math.max(1, AdminInput.formNumber(query, "size", 50, FleetFilter.MAX_SIZE)))));
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
}
