package io.hub.provisioning.admin;

import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code DELETE /admin/v1/firmware/{model}/{version}}: removes one of the tenant's images (204). */
final class FirmwareImageRoute extends AdminRoute {

    static final String PATH = "/admin/v1/firmware/{model}/{version}";

    private final FirmwareStore firmware;
    private final AuditLog audit;

    FirmwareImageRoute(FirmwareStore firmware, AuditLog audit) {
        super("DELETE");
        this.firmware = firmware;
        this.audit = audit;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String model = PathParameters.of(request, "model");
        String version = PathParameters.of(request, "version");
        firmware.delete(call.tenant(), model, version);
        audit.record(call.actor(), call.sourceIp(), "firmware-delete", AuditEvent.OK, null, null, null,
                model + " " + version);
        Responses.empty(response, callback, 204);
    }
}
