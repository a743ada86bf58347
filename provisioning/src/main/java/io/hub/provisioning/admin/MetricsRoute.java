package io.hub.provisioning.admin;

import io.hub.provisioning.http.Responses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the Prometheus text of the whole hub; the operator's. */
final class MetricsRoute extends AdminRoute {

    static final String PATH = "/metrics";

    private final PrometheusMeterRegistry metrics;

    MetricsRoute(PrometheusMeterRegistry metrics) {
        super("GET");
        this.metrics = metrics;
    }

    @Override
    void serve(AdminCall call, Request request, Response response, Callback callback) throws IOException {
        // Hub-wide figures (every tenant's phones, calls and refusals): the operator's.
        AdminInput.requireOperator(call, "/metrics");
        Responses.send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
