package io.hub.sip.transport;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.hub.pki.log.LogText;
import io.hub.sip.StoreUnavailableException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one framed message into a request or response for the {@link SipHandler}: the strict
 * grammar checks first, then JAIN-SIP's parser under a time limit (it has defects of its own), then
 * flood control for flows without a registered phone. A request handed over carries received and
 * rport on its top Via ({@link ReceivedStamp}). Malformed requests are answered 400 (505 for
 * another SIP version) when they can be; a bug in the handler is answered 500.
 */
final class MessageDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);
    private static final long PARSE_LIMIT_MILLIS = 1_000;

    private final SipHandler handler;
    private final DensityGuard density;
    private final ExecutorService parsers;
    private final RefusalCounters refusals;

    MessageDispatcher(SipHandler handler, DensityGuard density, ExecutorService parsers, RefusalCounters refusals) {
        this.handler = handler;
        this.density = density;
        this.parsers = parsers;
        this.refusals = refusals;
    }

    /** Parses and hands over one message; false when it was malformed. */
    boolean dispatch(byte[] bytes, Flow flow) {
        ParseResult parsed = parse(bytes);
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(bytes);
        if (violation.isPresent()) {
            LOG.info("sip message refused {}: {}", flow, LogText.of(violation.get().reason()));
            if (parsed.message instanceof SIPRequest request && answerable(request)
                    && !"ACK".equals(request.getMethod())) {
                flow.send(request.createResponse(violation.get().status(), violation.get().status() == 505
                        ? "Version Not Supported" : "Bad Request").encode());
            }
            return false;
        }
        if (parsed.message instanceof SIPRequest request) {
            Optional<String> missing = MandatoryHeaders.missing(request);
            if (missing.isPresent()) {
                refuseIncomplete(request, missing.get(), flow);
                return false;
            }
        }
        if (parsed.message instanceof SIPRequest request && !flow.trusted()
                && !density.allow(flow.remote().getAddress())) {
            if (!"ACK".equals(request.getMethod())) {
                flow.send(busy(request, density.retryAfterSeconds(flow.remote().getAddress())).encode());
            }
            LOG.debug("sip request refused {}: over the request density", flow);
            refusals.count(RefusalReason.DENSITY);
            return true;
        }
        if (parsed.message instanceof SIPRequest request) {
            if (parsed.errors.isEmpty()) {
                ReceivedStamp.stamp(request, flow);
                try {
                    handler.request(request, flow);
                } catch (StoreUnavailableException e) {
                    // The database did not answer: the phone is asked to retry, its flow stays.
                    LOG.warn("sip {} from {} refused: the database is unavailable: {}", request.getMethod(), flow,
                            LogText.of(e.getMessage()));
                    if (!"ACK".equals(request.getMethod())) {
                        flow.send(busy(request, StoreUnavailableException.RETRY_SECONDS).encode());
                    }
                } catch (RuntimeException e) {
                    // A bug, not the phone's fault: answer 500, keep the flow, keep the trace.
                    LOG.error("sip {} from {} failed", request.getMethod(), flow, e);
                    if (!"ACK".equals(request.getMethod())) {
                        flow.send(request.createResponse(500, "Server Internal Error").encode());
                    }
                }
                return true;
            }
            answerBadRequest(request, parsed.errors, flow);
            return false;
        }
        if (parsed.message instanceof SIPResponse response && parsed.errors.isEmpty()) {
            handler.response(response, flow);
            return true;
        }
        LOG.info("sip malformed message dropped {}: {}", flow, parsed.errors.isEmpty() ? "unparsable"
                : LogText.of(parsed.errors.get(0)));
        return false;
    }

    /**
     * A request without one of the headers every request must carry (RFC 3261 §8.1.1): answered 400
     * naming the header, and handed to no one, so nothing is stored. Without a Via there is nowhere
     * to send an answer (RFC 3261 §18.2.2), so it is dropped.
     */
    private void refuseIncomplete(SIPRequest request, String header, Flow flow) {
        LOG.info("sip {} without {} refused {}", LogText.of(request.getMethod()), header, flow);
        if (header.equals("Via") || "ACK".equals(request.getMethod())) {
            return;
        }
        SIPResponse response = request.createResponse(400, "Missing " + header + " Header");
        try {
            response.addHeader(new HeaderFactoryImpl().createHeader("Warning",
                    "399 hub \"missing-header: " + header + "\""));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        flow.send(response.encode());
    }

    private static SIPResponse busy(SIPRequest request, long seconds) {
        SIPResponse busy = request.createResponse(503, "Service Unavailable");
        RetryAfter retryAfter = new RetryAfter();
        try {
            retryAfter.setRetryAfter((int) Math.min(Integer.MAX_VALUE, seconds));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        busy.setHeader(retryAfter);
        return busy;
    }

    private static boolean answerable(SIPRequest request) {
        return request.getTopmostVia() != null && request.getCSeq() != null && request.getCallId() != null
                && request.getFrom() != null && request.getTo() != null;
    }

    private void answerBadRequest(SIPRequest request, List<String> errors, Flow flow) {
        String reason = errors.get(0);
        LOG.info("sip malformed request {} {}: {}", LogText.of(request.getMethod()), flow, LogText.of(reason));
        if (answerable(request) && !"ACK".equals(request.getMethod())) {
            flow.send(request.createResponse(400, "Bad Request").encode());
        }
    }

    private ParseResult parse(byte[] bytes) {
        // Synchronised: a parser past its time limit may still be adding while the answer is read.
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        Future<SIPMessage> task;
        try {
            task = parsers.submit(() -> new StringMsgParser().parseSIPMessage(bytes, true, false,
                    (exception, message, headerClass, header, text) -> errors.add(
                            (headerClass == null ? "header" : headerClass.getSimpleName()) + ": "
                                    + String.valueOf(header).strip())));
        } catch (RejectedExecutionException stopping) {
            errors.add("the server is stopping");
            return new ParseResult(null, errors);
        }
        try {
            return new ParseResult(task.get(PARSE_LIMIT_MILLIS, TimeUnit.MILLISECONDS), errors);
        } catch (TimeoutException e) {
            task.cancel(true);
            errors.add("parsing took longer than " + PARSE_LIMIT_MILLIS + " ms");
        } catch (ExecutionException e) {
            errors.add(e.getCause() instanceof ParseException parse ? parse.getMessage()
                    : String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        }
        return new ParseResult(null, errors);
    }

    private record ParseResult(SIPMessage message, List<String> errors) {
    }
}
