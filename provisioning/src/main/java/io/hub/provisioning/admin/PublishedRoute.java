package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /admin/v1/{name}} for what other modules published: {@code GET} a live view
 * ({@link LiveViews}) as the tenant sees it, {@code POST} an operator action ({@link OperatorActions}),
 * the operator's only and audited under its name. A name nothing published is 404
 * {@code no-such-resource}.
 */
final class PublishedRoute extends AdminRoute {

    static final String PATH = "/admin/v1/{name}";

    private final LiveViews views;
    private final OperatorActions actions;
    private final AuditLog audit;

    PublishedRoute(LiveViews views, OperatorActions actions, AuditLog audit) {
        super("GET", "POST");
        this.views = views;
        this.actions = actions;
        this.audit = audit;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        String name = PathParameters.of(request, "name");
        if (request.getMethod().equals("GET")) {
            Object view = views.answer(name, call.tenant()).orElseThrow(() -> unknown(request));
            Responses.json(response, callback, 200, view);
            return;
        }
        Optional<Function<JsonNode, Object>> action = actions.find(name);
        if (action.isEmpty()) {
            throw unknown(request);
        }
        RequestFacts facts = RequestFacts.of(request).audited(name);
        AdminInput.requireOperator(call, name);
        JsonNode body = AdminInput.jsonBody(request);
        Object answer = action.get().apply(body);
        facts.action("request");
        audit.record(call.actor(), call.sourceIp(), name, AuditEvent.OK, null, null, null, body.toString());
        Responses.json(response, callback, 200, answer);
    }

    private static ProvisioningException unknown(Request request) {
        return new ProvisioningException(Refusal.NO_SUCH_RESOURCE,
                "no " + request.getMethod() + " " + PathParameters.path(request));
    }
}
