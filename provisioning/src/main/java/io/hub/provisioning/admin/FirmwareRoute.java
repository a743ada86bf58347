package io.hub.provisioning.admin;

import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.io.InputStream;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /admin/v1/firmware}: {@code GET} lists the tenant's images, {@code POST ?model=&version=}
 * uploads one, streamed (201).
 */
final class FirmwareRoute extends AdminRoute {

    static final String PATH = "/admin/v1/firmware";

    private final FirmwareStore firmware;
    private final AuditLog audit;

    FirmwareRoute(FirmwareStore firmware, AuditLog audit) {
        super("GET", "POST");
        this.firmware = firmware;
        this.audit = audit;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String tenant = call.tenant();
        if (request.getMethod().equals("GET")) {
            Responses.json(response, callback, 200, Map.of("images", firmware.list(tenant).stream()
                    .map(image -> AdminJson.firmware(firmware, tenant, image)).toList()));
            return;
        }
        Fields query = Request.extractQueryParameters(request);
        String model = query.getValue("model");
        String version = query.getValue("version");
        RequestFacts.of(request).audited("firmware-upload").subject(model + " " + version);
        try (InputStream body = Content.Source.asInputStream(request)) {
            FirmwareImage image = firmware.upload(tenant, model, version, body, request.getLength());
            audit.record(call.actor(), call.sourceIp(), "firmware-upload", AuditEvent.OK, null, null, null,
                    image.model() + " " + image.version() + " sha256=" + image.sha256());
            Responses.json(response, callback, 201, AdminJson.firmware(firmware, tenant, image));
        }
    }
}
