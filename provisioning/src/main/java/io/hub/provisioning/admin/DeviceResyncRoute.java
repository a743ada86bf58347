package io.hub.provisioning.admin;

import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /admin/v1/devices/{mac}/resync} and {@code …/reboot}: the phone is told at once; 200
 * with its answer, 409 {@code no-flow} when it has no live SIP flow.
 */
final class DeviceResyncRoute extends AdminRoute {

    static final String RESYNC = "/admin/v1/devices/{mac}/resync";
    static final String REBOOT = "/admin/v1/devices/{mac}/reboot";

    private final ResyncAdmin resyncs;
    private final boolean reboot;

    DeviceResyncRoute(ResyncAdmin resyncs, boolean reboot) {
        super("POST");
        this.resyncs = resyncs;
        this.reboot = reboot;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Responses.json(response, callback, 200, resyncs.now(call.tenant(),
                AdminInput.mac(PathParameters.of(request, "mac")), reboot, call.actor(), call.sourceIp()));
    }
}
