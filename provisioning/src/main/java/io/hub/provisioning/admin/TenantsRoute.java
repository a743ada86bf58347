package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.tenants.Tenants;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /admin/v1/tenants}: {@code GET} lists the tenants, {@code POST {"name", "sipDomain"}} creates one (201). */
final class TenantsRoute extends AdminRoute {

    static final String PATH = "/admin/v1/tenants";
    private static final Set<String> FIELDS = Set.of("name", "sipDomain");

    private final TenantAdmin admin;

    TenantsRoute(TenantAdmin admin) {
        super("GET", "POST");
        this.admin = admin;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        TenantAdmin.requireOperator(call);
        if (request.getMethod().equals("GET")) {
            Responses.json(response, callback, 200,
                    Map.of("tenants", admin.tenants.list().stream().map(TenantAdmin::json).toList()));
            return;
        }
        JsonNode body = AdminInput.jsonBody(request);
        List<String> unknown = AdminInput.unknownFields(body, FIELDS);
        if (!unknown.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_TENANT, "unknown field(s) " + unknown
                    + "; expected name, sipDomain");
        }
        String name = AdminInput.text(body, "name");
        String domain = AdminInput.text(body, "sipDomain");
        Tenants.Created created = admin.create(request, call, name, domain);
        Map<String, Object> json = TenantAdmin.json(created.tenant());
        json.put("token", created.token());
        Responses.json(response, callback, 201, json);
    }
}
