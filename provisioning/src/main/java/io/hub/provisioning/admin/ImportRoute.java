package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.ImportReport;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code POST /admin/v1/devices/import[?dryRun=true]}: a CSV of devices ({@code text/csv}, up to
 * 16 MiB), all or nothing; 200 with the report, 422 when a row is refused.
 */
final class ImportRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices/import";
    private static final int MAX_CSV_BYTES = 16 * 1024 * 1024;

    private final Enrollment enrollment;

    ImportRoute(Enrollment enrollment) {
        super("POST");
        this.enrollment = enrollment;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/csv")) {
            throw new ProvisioningException(Refusal.UNSUPPORTED_MEDIA_TYPE, "send the CSV as text/csv");
        }
        byte[] csv;
        try {
            csv = Responses.body(request, MAX_CSV_BYTES);
        } catch (Responses.BodyTooLargeException e) {
            throw new ProvisioningException(Refusal.TOO_LARGE, e.getMessage());
        }
        boolean dryRun = "true".equalsIgnoreCase(Request.extractQueryParameters(request).getValue("dryRun"));
        ImportReport report = enrollment.importCsv(call.tenant(), csv, dryRun, call.actor(), call.sourceIp());
        Responses.json(response, callback, report.errors().isEmpty() ? 200 : 422, report);
    }
}
