package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.settings.SettingLayers;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/v1/devices/{mac}}: {@code GET} the device with its settings, its last contacts and
 * its last resync, {@code PATCH} changes it (never its MAC), {@code DELETE} removes it (204).
 */
final class DeviceByMacRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices/{mac}";

    private final Enrollment enrollment;
    private final SettingLayers layers;
    private final ResyncAdmin resyncs;

    DeviceByMacRoute(Enrollment enrollment, SettingLayers layers, ResyncAdmin resyncs) {
        super("GET", "PATCH", "DELETE");
        this.enrollment = enrollment;
        this.layers = layers;
        this.resyncs = resyncs;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        MacAddress mac = AdminInput.mac(PathParameters.of(request, "mac"));
        switch (request.getMethod()) {
            case "GET" -> {
                Device device = enrollment.find(call.tenant(), mac);
                Map<String, Object> json = AdminJson.device(device, enrollment.contacts(mac, 20));
                json.put("settings", layers.device(mac));
                json.put("resync", resyncs.lastJson(call.tenant(), mac));
                Responses.json(response, callback, 200, json);
            }
            case "PATCH" -> {
                JsonNode body = AdminInput.jsonBody(request);
                if (body.has("mac") && !AdminInput.mac(AdminInput.text(body, "mac")).equals(mac)) {
                    throw new ProvisioningException(Refusal.INVALID_DEVICE, "the MAC of a device cannot change");
                }
                Device device = enrollment.update(call.tenant(), mac, AdminInput.draft(body), call.actor(),
                        call.sourceIp());
                Responses.json(response, callback, 200, AdminJson.device(device, List.of()));
            }
            default -> {
                enrollment.remove(call.tenant(), mac, call.actor(), call.sourceIp());
                Responses.empty(response, callback, 204);
            }
        }
    }
}
