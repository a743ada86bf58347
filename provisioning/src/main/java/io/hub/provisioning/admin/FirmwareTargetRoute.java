package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code PUT /admin/v1/firmware/target {"model", "version"}}: the image the tenant's phones of that
 * model are told to run; they are queued for a resync.
 */
final class FirmwareTargetRoute extends AdminRoute {

    static final String PATH = "/admin/v1/firmware/target";

    private final FirmwareStore firmware;
    private final AuditLog audit;
    private final ResyncAdmin resyncs;

    FirmwareTargetRoute(FirmwareStore firmware, AuditLog audit, ResyncAdmin resyncs) {
        super("PUT");
        this.firmware = firmware;
        this.audit = audit;
        this.resyncs = resyncs;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        JsonNode body = AdminInput.jsonBody(request);
        FirmwareImage image = firmware.setTarget(call.tenant(), AdminInput.text(body, "model"),
                AdminInput.text(body, "version"));
        audit.record(call.actor(), call.sourceIp(), "firmware-target", AuditEvent.OK, null, null, null,
                image.model() + " " + image.version());
        resyncs.targetChanged(call.tenant(), image.model());
        Responses.json(response, callback, 200, AdminJson.firmware(firmware, call.tenant(), image));
    }
}
