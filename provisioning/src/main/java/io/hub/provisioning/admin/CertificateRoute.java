package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.List;

/**
 * {@code /admin/v1/devices/{mac}/certificate}: {@code POST {"fingerprint"}} binds the certificate a
 * phone is served to (the pending one to approve it, or one the admin verified), {@code DELETE}
 * unbinds it.
 */
final class CertificateRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices/{mac}/certificate";

    private final CertificateBindings bindings;

    CertificateRoute(CertificateBindings bindings) {
        super("POST", "DELETE");
        this.bindings = bindings;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        MacAddress mac = AdminInput.mac(PathParameters.of(request, "mac"));
        if (request.getMethod().equals("DELETE")) {
            bindings.unbind(call.tenant(), mac, call.actor(), call.sourceIp());
            Responses.empty(response, callback, 204);
            return;
        }
        JsonNode body = AdminInput.jsonBody(request);
        String fingerprint = AdminInput.text(body, "fingerprint");
        if (fingerprint == null) {
            throw new ProvisioningException(Refusal.INVALID_FINGERPRINT, "send {\"fingerprint\": \"<SHA-256 "
                    + "of the certificate, hex>\"}: the pending one to approve it, or one you verified");
        }
        Device device = bindings.bind(call.tenant(), mac, fingerprint, call.actor(), call.sourceIp());
        Responses.json(response, callback, 200, AdminJson.device(device, List.of()));
    }
}
