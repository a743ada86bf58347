package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import java.io.IOException;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One resource of the admin API, mapped to its path by {@link AdminApi} and reached only with a
 * valid token ({@link AdminCall}): it serves the methods it names and refuses any other with 405
 * {@code method-not-allowed}.
 */
abstract class AdminRoute extends Handler.Abstract {

    private final Set<String> methods;

    AdminRoute(String... methods) {
        this.methods = Set.of(methods);
    }

    @Override
    public final boolean handle(Request request, Response response, Callback callback) throws IOException {
        if (!methods.contains(request.getMethod())) {
            throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed here");
        }
        serve(AdminCall.of(request), request, response, callback);
        return true;
    }

    /** Answers the request, or throws its refusal. */
    abstract void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException;
}
