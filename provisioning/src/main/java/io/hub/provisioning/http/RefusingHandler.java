package io.hub.provisioning.http;

import io.hub.provisioning.Refusal;
import io.hub.provisioning.ProvisioningException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The outermost handler of an API: starts each request's {@link RequestFacts}, and answers whatever
 * its handlers throw (a refusal, a storage failure, a fault) or leave unhandled (no such resource)
 * through the API's {@link RefusalReplies}. Nothing reaches Jetty's own HTML error page.
 */
public final class RefusingHandler extends Handler.Wrapper {

    private final RefusalReplies replies;
    private final String actor;
    private final boolean auditAll;

    /**
     * @param actor who the audit rows name until a handler knows better ({@code device}, {@code admin})
     * @param auditAll whether every refusal is audited or only those of actions named with
     *     {@link RequestFacts#audited}
     */
    public RefusingHandler(RefusalReplies replies, String actor, boolean auditAll, Handler handler) {
        super(handler);
        this.replies = replies;
        this.actor = actor;
        this.auditAll = auditAll;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        RequestFacts.attach(request, actor, auditAll);
        try {
            if (super.handle(request, response, callback)) {
                return true;
            }
            throw new ProvisioningException(Refusal.NO_SUCH_RESOURCE, "no " + request.getMethod() + " "
                    + Request.getPathInContext(request));
        } catch (Exception failure) {
            // A refusal is counted and audited in the database: never on the thread that reads the port.
            IoThreadAnswers.offIoThread(request, () -> replies.reply(request, response, callback, failure));
            return true;
        }
    }
}
