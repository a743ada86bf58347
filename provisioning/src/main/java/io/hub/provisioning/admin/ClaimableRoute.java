package io.hub.provisioning.admin;

import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.storage.Database;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.Map;

/** {@code GET /admin/v1/devices/claimable}: valid phones that asked and are not enrolled; the operator's. */
final class ClaimableRoute extends AdminRoute {

    static final String PATH = "/admin/v1/devices/claimable";

    private final Database database;
    private final ClaimableRepository claimable = new ClaimableRepository();

    ClaimableRoute(Database database) {
        super("GET");
        this.database = database;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        // Unenrolled phones belong to no tenant yet: only the operator sees where they boot.
        AdminInput.requireOperator(call, "the claimable list");
        Responses.json(response, callback, 200, Map.of("devices", database.transaction(claimable::list)));
    }
}
