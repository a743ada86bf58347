package io.hub.provisioning.admin;

import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.Map;

/**
 * {@code /admin/v1/tenants/{name}/token}: {@code POST} rotates the tenant's token and answers the
 * new one (the only time it is shown), {@code DELETE} revokes it (204).
 */
final class TenantTokenRoute extends AdminRoute {

    static final String PATH = "/admin/v1/tenants/{name}/token";

    private final TenantAdmin admin;

    TenantTokenRoute(TenantAdmin admin) {
        super("POST", "DELETE");
        this.admin = admin;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        TenantAdmin.requireOperator(call);
        String name = PathParameters.of(request, "name");
        if (request.getMethod().equals("POST")) {
            String rotated = admin.changed(request, call, "tenant-token-rotate", name,
                    () -> admin.tenants.rotateToken(name));
            Responses.json(response, callback, 200, Map.of("name", name, "token", rotated));
            return;
        }
        admin.changed(request, call, "tenant-token-revoke", name, () -> {
            admin.tenants.revokeToken(name);
            return null;
        });
        Responses.empty(response, callback, 204);
    }
}
