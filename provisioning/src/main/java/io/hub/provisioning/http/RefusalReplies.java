package io.hub.provisioning.http;

import io.hub.provisioning.Refusal;
import io.hub.pki.log.LogText;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an HTTP refusal becomes what it leaves behind: the reply (its {@link Refusal}'s
 * status, {@code X-Hub-Reason}, {@code Retry-After} when the cause is temporary, the API's error
 * body), the request counter's {@code outcome} label and the audit row. One instance per API, which
 * differ only in their body format, counter name and audit habit.
 *
 * <p>A failure that is not a refusal is turned into one here: a database failure anywhere in its
 * causes (a {@link StorageException}, an {@link SQLException}, the pool closed or out of
 * connections) is {@link Refusal#STORAGE_UNAVAILABLE}, a broken body {@link Refusal#BROKEN_REQUEST},
 * anything else {@link Refusal#INTERNAL_ERROR} (logged with its stack trace, being a fault).
 */
public final class RefusalReplies {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalReplies.class);

    private final String api;
    private final ErrorBody body;
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final String counter;
    private final Consumer<String> onAudited;

    /**
     * @param api the API's name in log lines ({@code device}, {@code admin})
     * @param counter the counter of the API's requests, tagged {@code action} and {@code outcome}
     * @param onAudited told the source address of every audited refusal (the device side spends
     *     the address's refusal budget with it)
     */
    public RefusalReplies(String api, ErrorBody body, AuditLog audit, MeterRegistry metrics, String counter,
            Consumer<String> onAudited) {
        this.api = api;
        this.body = body;
        this.audit = audit;
        this.metrics = metrics;
        this.counter = counter;
        this.onAudited = onAudited;
    }

    /** Answers {@code failure}, which a handler of the request threw, and records it. */
    public void reply(Request request, Response response, Callback callback, Throwable failure) {
        RequestFacts facts = RequestFacts.of(request);
        ProvisioningException refusal = refusalOf(failure, request, facts);
        record(facts, refusal);
        if (response.isCommitted()) {
            // Part of the answer is on its way (a firmware image): all that is left is to cut it short.
            callback.failed(failure);
            return;
        }
        response.reset();
        response.getHeaders().put("X-Hub-Reason", refusal.reason());
        refusal.retryAfter().ifPresent(wait -> response.getHeaders().put(HttpHeader.RETRY_AFTER,
                Math.max(1, wait.toSeconds())));
        if (refusal.status() == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"hub\"");
        }
        Responses.send(response, callback, refusal.status(), body.contentType(),
                body.of(refusal.refusal(), refusal.getMessage()));
    }

    private ProvisioningException refusalOf(Throwable failure, Request request, RequestFacts facts) {
        if (failure instanceof ProvisioningException refusal) {
            return refusal;
        }
        if (isStorage(failure)) {
            LOG.warn("{} {} {} mac={} refused storage-unavailable: {}", api, request.getMethod(),
                    LogText.of(Request.getPathInContext(request)), facts.mac(), LogText.of(storageMessage(failure)));
            return new ProvisioningException(Refusal.STORAGE_UNAVAILABLE, "the database is unavailable; retry later");
        }
        if (failure instanceof Responses.BodyTooLargeException tooLarge) {
            return new ProvisioningException(Refusal.TOO_LARGE, tooLarge.getMessage());
        }
        if (failure instanceof IOException broken) {
            return new ProvisioningException(Refusal.BROKEN_REQUEST, String.valueOf(broken.getMessage()));
        }
        LOG.error("{} {} {} mac={} failed", api, request.getMethod(), LogText.of(Request.getPathInContext(request)),
                facts.mac(), failure);
        return new ProvisioningException(Refusal.INTERNAL_ERROR, "the hub failed; the fault is in its log");
    }

    /** Counts the refusal and, when its cause and action call for it, audits it. */
    private void record(RequestFacts facts, ProvisioningException refusal) {
        Refusal cause = refusal.refusal();
        // The device API's counter also counts answered requests (DeviceRoute), so its help text says both.
        String help = counter.endsWith(".refusals") ? "refused requests to the " + api + " HTTPS, by action and cause"
                : "requests to the " + api + " HTTPS, by action and outcome";
        io.micrometer.core.instrument.Counter.builder(counter).description(help)
                .tags("action", facts.action(), "outcome", cause.metricLabel()).register(metrics).increment();
        if (!cause.audited() || !facts.isAudited()) {
            return;
        }
        String detail = facts.subject() == null ? refusal.detail() : facts.subject() + ": " + refusal.detail();
        try {
            audit.record(facts.actor(), facts.sourceIp(), facts.action(), AuditEvent.REFUSED, cause.code(),
                    facts.mac(), facts.fingerprint(), detail);
        } catch (StorageException e) {
            // The refusal stands; only its row is lost, and the database's failure is logged by its next use.
            LOG.warn("{} refusal {} mac={} not audited: {}", api, cause.code(), facts.mac(),
                    LogText.of(e.getMessage()));
        }
        onAudited.accept(facts.sourceIp());
    }

    static boolean isStorage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageException || cause instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static String storageMessage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageException || cause instanceof SQLException) {
                return cause.getMessage();
            }
        }
        return failure.toString();
    }
}
