package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /admin/v1/{view}}: a live view another module published ({@link LiveViews}), as the
 * tenant sees it; any other name is 404 {@code no-such-resource}.
 */
final class LiveViewRoute extends AdminRoute {

    static final String PATH = "/admin/v1/{view}";

    private final LiveViews views;

    LiveViewRoute(LiveViews views) {
        super("GET");
        this.views = views;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String name = PathParameters.of(request, "view");
        Object view = views.answer(name, call.tenant()).orElseThrow(() -> new ProvisioningException(
                Refusal.NO_SUCH_RESOURCE, "no " + request.getMethod() + " " + PathParameters.path(request)));
        Responses.json(response, callback, 200, view);
    }
}
