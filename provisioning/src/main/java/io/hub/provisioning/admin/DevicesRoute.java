package io.hub.provisioning.admin;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /admin/v1/devices}: {@code GET} lists the tenant's devices a page at a time (filters
 * {@code state}, {@code site}, {@code model}), {@code POST} enrolls one (201).
 */
final class DevicesRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices";

    private final Enrollment enrollment;

    DevicesRoute(Enrollment enrollment) {
        super("GET", "POST");
        this.enrollment = enrollment;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        if (request.getMethod().equals("POST")) {
            Device device = enrollment.enroll(call.tenant(), AdminInput.draft(AdminInput.jsonBody(request)),
                    call.actor(), call.sourceIp());
            Responses.json(response, callback, 201, AdminJson.device(device, List.of()));
            return;
        }
        Fields query = Request.extractQueryParameters(request);
        int page = AdminInput.number(query, "page", 0, 0, Integer.MAX_VALUE);
        int size = AdminInput.number(query, "size", 100, 1, 1000);
        List<Map<String, Object>> devices = enrollment.list(call.tenant(), query.getValue("state"),
                query.getValue("site"), query.getValue("model"), page, size).stream()
                .map(device -> AdminJson.device(device, List.of())).toList();
        Responses.json(response, callback, 200, Map.of("page", page, "size", size, "devices", devices));
    }
}
