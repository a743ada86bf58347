package io.hub.provisioning.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Tells the {@link ConnectionGuard} when a request reaches the handlers and when its answer is done. */
final class RequestDeadlines extends Handler.Wrapper {

    private final ConnectionGuard guard;

    RequestDeadlines(ConnectionGuard guard, Handler handler) {
        super(handler);
        this.guard = guard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        guard.requestBegun(request);
        Callback ending = new Callback.Nested(callback) {
            @Override
            public void completed() {
                guard.requestEnded(request);
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, ending);
        } catch (Exception | Error e) {
            guard.requestEnded(request);
            throw e;
        }
        if (!handled) {
            guard.requestEnded(request);
        }
        return handled;
    }
}
