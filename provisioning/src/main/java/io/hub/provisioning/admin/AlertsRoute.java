package io.hub.provisioning.admin;

import io.hub.provisioning.alerts.DhcpAlert;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /admin/v1/alerts}: the DHCP conflicts the tenant's phones reported, one per finding. */
final class AlertsRoute extends AdminRoute {

    static final String PATH = "/admin/v1/alerts";

    private final DhcpAlerts alerts;

    AlertsRoute(DhcpAlerts alerts) {
        super("GET");
        this.alerts = alerts;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Responses.json(response, callback, 200, Map.of("alerts",
                alerts.list(call.tenant()).stream().map(AlertsRoute::json).toList()));
    }

    private static Map<String, Object> json(DhcpAlert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summary", alert.summary());
        json.put("site", alert.site());
        json.put("kind", alert.kind());
        json.put("severity", alert.severity());
        json.put("option", alert.option());
        json.put("value", alert.value());
        json.put("decoded", alert.decoded());
        json.put("location", alert.location());
        json.put("why", alert.why());
        json.put("fix", alert.fix());
        json.put("count", alert.phones().size());
        json.put("phones", alert.phones());
        json.put("firstSeen", alert.firstSeen());
        json.put("lastSeen", alert.lastSeen());
        return json;
    }
}
