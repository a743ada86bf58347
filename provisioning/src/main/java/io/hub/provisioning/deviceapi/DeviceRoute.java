package io.hub.provisioning.deviceapi;

import io.hub.provisioning.http.RequestFacts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One resource of the device side, mapped to its path by {@link DeviceApi}: it names its action in
 * the request's facts and serves the methods it knows; any other method is not handled, which the
 * device side answers 404 {@code no-such-resource}.
 */
abstract class DeviceRoute extends Handler.Abstract {

    /** The device side's request counter, tagged {@code action} and {@code outcome} (ok or a reason code). */
    static final String REQUESTS = "hub.device.requests";

    /**
     * What every device resource works with: who the phone is, the hub's URLs as the phone reached
     * them, the phone's contact history, and the registry of the request counter.
     */
    record Desk(DeviceAuthenticator authenticator, DeviceUrls urls, DeviceContacts contacts, MeterRegistry metrics) {
    }

    final DeviceAuthenticator authenticator;
    final DeviceUrls urls;
    final DeviceContacts contacts;
    private final String action;
    private final Set<String> methods;
    private final MeterRegistry metrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DeviceRoute(String action, Set<String> methods, Desk desk) {
        this.action = action;
        this.methods = methods;
        this.authenticator = desk.authenticator();
        this.urls = desk.urls();
        this.contacts = desk.contacts();
        this.metrics = desk.metrics();
    }

    @Override
    public final boolean handle(Request request, Response response, Callback callback) throws IOException {
        if (!methods.contains(request.getMethod())) {
            return false;
        }
        RequestFacts.of(request).action(action);
        serve(request, response, callback);
        return true;
    }

    /** Answers the request, or throws its refusal. */
    abstract void serve(Request request, Response response, Callback callback) throws IOException;

    /** Counts a request that was answered with something other than a refusal. */
    void count(String outcome) {
        // Looked up once per outcome: building and registering the meter on each request was a tenth
        // of a kept-alive fetch's own work.
        counters.computeIfAbsent(outcome, key -> Counter.builder(REQUESTS)
                .description("requests to the device HTTPS, by action and outcome")
                .tags("action", action, "outcome", key).register(metrics)).increment();
    }
}
