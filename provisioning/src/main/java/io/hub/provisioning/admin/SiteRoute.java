package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.settings.SettingLayers;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.Map;

/**
 * {@code /admin/v1/sites/{site}}: {@code GET} the site's settings layer, {@code PUT
 * {"settings": {…}}} replaces it and queues the site's phones for a resync.
 */
final class SiteRoute extends AdminRoute {

    static final String PATH = "/admin/v1/sites/{site}";

    private final SettingLayers layers;
    private final ResyncAdmin resyncs;

    SiteRoute(SettingLayers layers, ResyncAdmin resyncs) {
        super("GET", "PUT");
        this.layers = layers;
        this.resyncs = resyncs;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String site = PathParameters.of(request, "site");
        if (request.getMethod().equals("GET")) {
            Responses.json(response, callback, 200, Map.of("site", site, "settings",
                    layers.site(call.tenant(), site)));
            return;
        }
        Map<String, String> settings = AdminInput.settings(AdminInput.jsonBody(request).get("settings"));
        if (settings == null) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, "send {\"settings\": {\"key\": \"value\"}}");
        }
        Map<String, String> replaced = layers.replaceSite(call.tenant(), site, settings, call.actor(),
                call.sourceIp());
        resyncs.siteChanged(call.tenant(), site);
        Responses.json(response, callback, 200, Map.of("site", site, "settings", replaced));
    }
}
