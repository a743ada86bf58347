package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.StorageException;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /healthz}, without a token: 200 {@code {"status": "ok"}} while the database answers,
 * 503 otherwise, so a load balancer or a probe needs no secret.
 */
final class HealthRoute extends Handler.Abstract {

    static final String PATH = "/healthz";

    private final Database database;

    HealthRoute(Database database) {
        this.database = database;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed here");
        }
        try {
            database.transaction(connection -> connection.isValid(2));
            Responses.json(response, callback, 200, Map.of("status", "ok"));
        } catch (StorageException e) {
            Responses.json(response, callback, 503, Map.of("status", "database unavailable"));
        }
        return true;
    }
}
