package io.hub.sip.transport;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.sip.StoreUnavailableException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one framed message into a request or response for the {@link SipHandler}. Flood control
 * comes first, on the raw bytes: a flow without a registered phone is counted against its source's
 * density ({@link DensityGuard}), a registered phone's flow against a budget of its own; what is over
 * is answered 503 with Retry-After from its raw header lines ({@link BusyAnswer}) and never parsed.
 * Then the strict grammar, then JAIN-SIP's parser under a time limit ({@link BoundedParser}: it has
 * defects of its own, and one that never ends must not stop SIP). A request handed over carries
 * received and rport on its top Via ({@link ReceivedStamp}). Malformed requests are answered 400 (505
 * for another SIP version) when they can be; a bug in the handler is answered 500.
 */
final class MessageDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);
    /** A registered flow this many times over its budget within one window is closed, not just slowed. */
    static final int CLOSE_AT_BUDGETS = 4;

    private final SipHandler handler;
    private final DensityGuard density;
    private final BoundedParser parser;
    private final RefusalCounters refusals;
    private final int flowBudget;
    private final long windowMillis;
    private final Clock clock;

    /**
     * @param flowBudget requests a registered phone's flow may send per window of the density
     */
    MessageDispatcher(SipHandler handler, DensityGuard density, BoundedParser parser, RefusalCounters refusals,
            int flowBudget, Duration window, Clock clock) {
        this.handler = handler;
        this.density = density;
        this.parser = parser;
        this.refusals = refusals;
        this.flowBudget = flowBudget;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Parses and hands over one message; false when it was malformed. */
    boolean dispatch(byte[] bytes, Flow flow) {
        if (!withinBudget(bytes, flow)) {
            return true;
        }
        BoundedParser.Result parsed = parser.parse(bytes, () -> {
            // The parse still holds this flow's turn: the flow is dropped at once, not after the turn.
            LOG.warn("sip message refused {}: parsing took longer than {} ms", flow, parser.limitMillis());
            flow.drop("a message that did not parse in time", RefusalReason.PARSE_TIMEOUT);
        });
        if (parsed.timedOut()) {
            if (!parsed.givenUp()) {
                // Not a phone's mistake: a message built to keep the parser busy. Its flow goes.
                LOG.warn("sip message refused {}: {}", flow, LogText.of(parsed.errors().get(0)));
                flow.refuse("a message that did not parse in time", RefusalReason.PARSE_TIMEOUT);
            }
            return true;
        }
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(bytes);
        if (violation.isPresent()) {
            LOG.info("sip message refused {}: {}", flow, LogText.of(violation.get().reason()));
            if (parsed.message() instanceof SIPRequest request && answerable(request)
                    && !"ACK".equals(request.getMethod())) {
                flow.send(request.createResponse(violation.get().status(), violation.get().status() == 505
                        ? "Version Not Supported" : "Bad Request").encode());
            }
            return false;
        }
        if (parsed.message() instanceof SIPRequest request) {
            Optional<String> missing = MandatoryHeaders.missing(request);
            if (missing.isPresent()) {
                refuseIncomplete(request, missing.get(), flow);
                return false;
            }
        }
        if (parsed.message() instanceof SIPRequest request) {
            if (parsed.errors().isEmpty()) {
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
            answerBadRequest(request, parsed.errors(), flow);
            return false;
        }
        if (parsed.message() instanceof SIPResponse response && parsed.errors().isEmpty()) {
            handler.response(response, flow);
            return true;
        }
        LOG.info("sip malformed message dropped {}: {}", flow, parsed.errors().isEmpty() ? "unparsable"
                : LogText.of(parsed.errors().get(0)));
        return false;
    }

    /**
     * Flood control on the raw message, before anything parses it. A flow no phone registered on is
     * counted against its source (every message: the hub sends no requests down such a flow, so no
     * response there is awaited); a registered phone's flow against its own budget (requests only:
     * responses answer the hub's own requests), so a phone flooding with valid requests is slowed
     * down its own flow and, far over, closed, while other phones behind the same address go on.
     * False when the message is refused (answered 503 where it can be).
     */
    private boolean withinBudget(byte[] bytes, Flow flow) {
        long retryAfter;
        if (!flow.trusted()) {
            if (density.allow(flow.remote().getAddress())) {
                return true;
            }
            refusals.count(RefusalReason.DENSITY);
            LOG.debug("sip message refused {}: over the request density", flow);
            retryAfter = density.retryAfterSeconds(flow.remote().getAddress());
        } else {
            if (flow.nodePeer() || BusyAnswer.isResponse(bytes)) {
                return true;
            }
            long now = clock.millis();
            int used = flow.countRequest(now, windowMillis);
            if (used <= flowBudget) {
                return true;
            }
            if (used > CLOSE_AT_BUDGETS * flowBudget) {
                if (used == CLOSE_AT_BUDGETS * flowBudget + 1) {
                    LOG.info("sip {} closed: {} requests within {} ms", flow, used, windowMillis);
                }
                flow.refuse(used + " requests within " + windowMillis + " ms", RefusalReason.FLOW_DENSITY);
                return false;
            }
            refusals.count(RefusalReason.FLOW_DENSITY);
            if (used == flowBudget + 1) {
                LOG.info("sip {} over its request budget: {} within {} ms", flow, used, windowMillis);
            }
            retryAfter = flow.budgetRetryAfterSeconds(now, windowMillis);
        }
        BusyAnswer.of(bytes, retryAfter).ifPresent(flow::send);
        return false;
    }

    /** 503 with Retry-After to a parsed request the hub cannot serve now (its database does not answer). */
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

    /** Parses past their time limit that still hold a thread. */
    int stuckParses() {
        return parser.stuck();
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

}
