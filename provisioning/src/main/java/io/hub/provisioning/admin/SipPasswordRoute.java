package io.hub.provisioning.admin;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /admin/v1/devices/{mac}/sip-password}: a new SIP password for the phone, which is told
 * to fetch it (check-sync). The password itself is never answered: the phone fetches it with its
 * certificate.
 */
final class SipPasswordRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices/{mac}/sip-password";

    private final Enrollment enrollment;

    SipPasswordRoute(Enrollment enrollment) {
        super("POST");
        this.enrollment = enrollment;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Device device = enrollment.rotateSipPassword(call.tenant(), AdminInput.mac(PathParameters.of(request, "mac")),
                call.actor(), call.sourceIp());
        Responses.json(response, callback, 200, AdminJson.device(device, List.of()));
    }
}
