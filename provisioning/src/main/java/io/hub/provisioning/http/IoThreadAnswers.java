package io.hub.provisioning.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers on Jetty's I/O thread the requests memory alone can answer, and hands every other one to
 * the server's pool. Jetty hands each request of a blocking handler from the thread that read it to a
 * pool thread, and the connection back afterwards; for a kept-alive configuration fetch served from
 * memory that hand-off cost more than the answer (a third of the hub's CPU per request).
 *
 * <p>The handler tells Jetty it never blocks ({@link InvocationType#NON_BLOCKING}), so Jetty calls it
 * on the thread that read the request. {@code fromMemory} must only look (caches; no database, no
 * file read, no lock held across I/O) and say whether the request can be answered that way; what it lets
 * through must write its answer with callbacks, never wait for it. A refusal of such a request is
 * audited in the database, so {@link RefusingHandler} hands its reply to the pool ({@link #offIoThread}).
 */
public final class IoThreadAnswers extends Handler.Wrapper {

    /** Requests answered, tagged {@code port} and {@code thread}: {@code io} or {@code pool}. */
    public static final String ANSWERED = "hub.http.answered";

    private static final String ON_IO_THREAD = IoThreadAnswers.class.getName() + ".onIoThread";

    private final Predicate<Request> fromMemory;
    private final Counter onIoThread;
    private final Counter onPool;

    /**
     * @param port the port's name in the metric
     * @param fromMemory whether a request can be answered without blocking; it must not block itself
     */
    public IoThreadAnswers(String port, Predicate<Request> fromMemory, MeterRegistry metrics, Handler handler) {
        super(handler);
        this.fromMemory = fromMemory;
        this.onIoThread = counter(metrics, port, "io");
        this.onPool = counter(metrics, port, "pool");
    }

    private static Counter counter(MeterRegistry metrics, String port, String thread) {
        return Counter.builder(ANSWERED).description("requests handled on the thread that read them (io) or "
                + "handed to the pool (pool), by port").tags("port", port, "thread", thread).register(metrics);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (fromMemory.test(request)) {
            onIoThread.increment();
            request.setAttribute(ON_IO_THREAD, Boolean.TRUE);
            return super.handle(request, response, callback);
        }
        onPool.increment();
        request.getComponents().getExecutor().execute(() -> handleOnPool(request, response, callback));
        return true;
    }

    private void handleOnPool(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }

    /** True when the request is being handled on the thread that read it. */
    public static boolean onIoThread(Request request) {
        return request.getAttribute(ON_IO_THREAD) != null;
    }

    /** Runs {@code work}, which may block, on the pool when the request is handled on the I/O thread, else here. */
    public static void offIoThread(Request request, Runnable work) {
        if (onIoThread(request)) {
            request.getComponents().getExecutor().execute(work);
        } else {
            work.run();
        }
    }
}
