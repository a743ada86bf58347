package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.audit.AuditSearch;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.storage.Database;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /admin/v1/audit/search}, the console's audit page: the audit log by MAC, action,
 * outcome, reason, actor and time; the tenant's rows (the operator's search reads every row).
 */
final class AuditSearchRoute extends AdminRoute {

    static final String PATH = "/admin/v1/audit/search";

    private final AuditSearch search;

    AuditSearchRoute(Database database) {
        super("GET");
        this.search = new AuditSearch(database);
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Responses.json(response, callback, 200, Map.of("events", search.find(call.isOperator() ? null
                : call.tenant(), query(Request.extractQueryParameters(request)))));
    }

    private static AuditSearch.Query query(Fields query) {
        String mac = blank(query.getValue("mac"));
        String since = blank(query.getValue("since"));
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new ProvisioningException(Refusal.INVALID_QUERY, "since must be a time such as "
                        + "2026-12-04T10:00:00Z");
            }
        }
        return new AuditSearch.Query(mac == null ? null : AdminInput.mac(mac).value(), blank(query.getValue("action")),
                blank(query.getValue("outcome")), blank(query.getValue("reason")), blank(query.getValue("actor")), from,
                Math.max(1, AdminInput.formNumber(query, "limit", 100, 10_000)));
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
