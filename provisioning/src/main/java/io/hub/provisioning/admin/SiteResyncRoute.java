package io.hub.provisioning.admin;

import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code POST /admin/v1/sites/{site}/resync}: the site's phones are queued at the bounded rate; 202 with the rollout. */
final class SiteResyncRoute extends AdminRoute {

    static final String PATH = "/admin/v1/sites/{site}/resync";

    private final ResyncAdmin resyncs;

    SiteResyncRoute(ResyncAdmin resyncs) {
        super("POST");
        this.resyncs = resyncs;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Responses.json(response, callback, 202, resyncs.site(call.tenant(), PathParameters.of(request, "site"),
                call.actor(), call.sourceIp()).json());
    }
}
