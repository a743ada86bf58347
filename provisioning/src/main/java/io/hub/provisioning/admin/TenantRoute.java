package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.tenants.Tenant;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PATCH /admin/v1/tenants/{name}} {@code {"sipClientCertificate": "required"|"wanted"|null}}:
 * the tenant's own setting, null to follow the hub's again. Answers the tenant as listed.
 */
final class TenantRoute extends AdminRoute {

    static final String PATH = "/admin/v1/tenants/{name}";

    private final TenantAdmin admin;

    TenantRoute(TenantAdmin admin) {
        super("PATCH");
        this.admin = admin;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        TenantAdmin.requireOperator(call);
        String name = PathParameters.of(request, "name");
        JsonNode body = AdminInput.jsonBody(request);
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(List.of("sipClientCertificate"))) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, "expected exactly the field sipClientCertificate, "
                    + "got " + fields);
        }
        JsonNode value = body.get("sipClientCertificate");
        if (!value.isNull() && !value.isTextual()) {
            throw new ProvisioningException(Refusal.INVALID_SETTING,
                    "sipClientCertificate must be \"wanted\", \"required\" or null");
        }
        String policy = value.isNull() ? null : value.asText();
        admin.changed(request, call, "tenant-sip-client-certificate", name, () -> {
            admin.tenants.sipClientCertificate(name, policy);
            return null;
        });
        Tenant tenant = admin.tenants.list().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        Responses.json(response, callback, 200, TenantAdmin.json(tenant));
    }
}
