package io.hub.provisioning.admin;

import io.hub.pki.MacAddress;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /admin/v1/audit[?mac=&limit=]}: the latest audit rows, the tenant's own (the operator
 * reads every row).
 */
final class AuditRoute extends AdminRoute {

    static final String PATH = "/admin/v1/audit";

    private final AuditLog audit;

    AuditRoute(AuditLog audit) {
        super("GET");
        this.audit = audit;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        Responses.json(response, callback, 200, Map.of("events",
                audit.recent(call.isOperator() ? null : call.tenant(), Optional.ofNullable(query.getValue("mac"))
                        .map(AdminInput::mac).map(MacAddress::value).orElse(null),
                        AdminInput.number(query, "limit", 100, 1, 10_000))));
    }
}
