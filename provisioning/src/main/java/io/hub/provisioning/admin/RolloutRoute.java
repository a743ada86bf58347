package io.hub.provisioning.admin;

import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /admin/v1/resyncs/{id}}: a rollout's progress. */
final class RolloutRoute extends AdminRoute {

    static final String PATH = "/admin/v1/resyncs/{id}";

    private final ResyncAdmin resyncs;

    RolloutRoute(ResyncAdmin resyncs) {
        super("GET");
        this.resyncs = resyncs;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        Responses.json(response, callback, 200, resyncs.rollout(call.tenant(), PathParameters.of(request, "id"))
                .json());
    }
}
