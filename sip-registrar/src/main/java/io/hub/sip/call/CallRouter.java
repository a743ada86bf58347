package io.hub.sip.call;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.relay.DeadStream;
import io.hub.relay.MediaRelay;
import io.hub.relay.PortsExhaustedException;
import io.hub.relay.RelayException;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.sip.transport.Flow;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes calls between registered phones: an INVITE from a phone's flow to an extension of its
 * domain becomes a {@link Call}, which rings every live flow of the callee; in-dialog requests and
 * the phones' answers find their call by Call-ID. Who calls is the AOR registered on the flow the
 * INVITE came down (the registration's digest proved it), so the From of a call cannot be forged.
 */
public final class CallRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallRouter.class);
    private static final int RECENT_CALLS = 100;

    private final LocationService location;
    private final CredentialSource accounts;
    private final MediaRelay relay;
    private final CallSettings settings;
    private final CallRecords records;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<String, Dialog> dialogs = new ConcurrentHashMap<>();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    /** Call records are written off the call's lock and off the phones' flows. */
    private final java.util.concurrent.ExecutorService recordWriter = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "sip-call-records");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sip-call-timers");
        thread.setDaemon(true);
        return thread;
    });

    public CallRouter(LocationService location, CredentialSource accounts, MediaRelay relay, CallSettings settings,
            CallRecords records, Clock clock, MeterRegistry metrics) {
        this.location = location;
        this.accounts = accounts;
        this.relay = relay;
        this.settings = settings;
        this.records = records;
        this.clock = clock;
        this.metrics = metrics;
        metrics.gauge("hub.calls.active", calls, Map::size);
    }

    /** The relay's report of a call whose media stopped: both legs get a BYE. */
    public void deadStream(DeadStream event) {
        Call call = calls.get(event.session().callId());
        if (call != null) {
            execute(() -> call.hangUp(EndCause.MEDIA_TIMEOUT));
        } else {
            relay.release(event.session());
        }
    }

    /**
     * A request that is not a REGISTER; true when it was a call's (answered here), false when the
     * caller is to answer it.
     */
    public boolean request(SIPRequest request, Flow flow) {
        if (request.getCallId() == null || request.getFrom() == null || request.getTo() == null) {
            // Without these there is no dialog to find and no answer to build (RFC 3261 §8.1.1).
            LOG.info("sip {} without Call-ID, From or To dropped from {}", request.getMethod(), flow);
            metrics.counter("hub.sip.refused", "reason", "malformed").increment();
            return true;
        }
        String method = request.getMethod();
        String callId = request.getCallId().getCallId();
        Dialog dialog = dialogs.get(callId);
        if (method.equals("CANCEL")) {
            Call call = dialog == null ? null : dialog.call;
            // A CANCEL names its INVITE by Call-ID and Via branch (RFC 3261 §9.2), from the caller.
            if (call == null || dialog != call.callerDialog()
                    || !call.inviteBranch().equals(request.getTopmostVia().getBranch())
                    || !location.aorsOn(flow.id()).contains(dialog.aor)) {
                sendOn(flow, Answers.answer(request, 481, null, null, null));
            } else {
                call.cancel(request, flow);
            }
            return true;
        }
        if (request.getToTag() != null) {
            if (dialog == null || !matches(dialog, request)) {
                if (!method.equals("ACK")) {
                    sendOn(flow, Answers.answer(request, 481, null, null, null));
                    metrics.counter("hub.calls.refused", "reason", "no-dialog").increment();
                }
                return true;
            }
            if (!method.equals("ACK")) {
            }
            if (flow != dialog.flow && !location.aorsOn(flow.id()).contains(dialog.aor)) {
                // Only the dialog's phone may speak in it: on its flow, or on a new one it registered.
                if (!method.equals("ACK")) {
                    sendOn(flow, Answers.answer(request, 403, null, null, null));
                }
                metrics.counter("hub.calls.refused", "reason", "foreign-flow").increment();
                return true;
            }
            dialog.call.inDialog(dialog, request, flow);
            return true;
        }
        if (method.equals("INVITE")) {
            invite(request, flow);
            return true;
        }
        return false;
    }

    /** An answer from a phone to a request the hub sent in a call; false when it belongs to none. */
    public boolean response(SIPResponse response, Flow flow) {
        if (response.getCallId() == null || response.getTo() == null || response.getCSeq() == null) {
            return false;
        }
        Dialog dialog = dialogs.get(response.getCallId().getCallId());
        String branch = response.getTopmostVia() == null ? null : response.getTopmostVia().getBranch();
        if (dialog == null || branch == null) {
            return false;
        }
        var waiting = dialog.pending.get(branch);
        if (waiting == null || (flow != dialog.flow && !location.aorsOn(flow.id()).contains(dialog.aor))) {
            return false;
        }
        dialog.flow = flow;
        try {
            waiting.accept(response);
        } catch (RuntimeException e) {
            // A bug, not the phone's fault: the flow goes on, the trace is kept.
            LOG.error("call {} answer {} from {} failed", dialog.call.id, response.getStatusCode(), flow, e);
        }
        return true;
    }

    /**
     * Ends every call {@code aor} is in, as caller or callee, from the hub's side: both legs of an
     * answered call get a BYE, a ringing one is cancelled. Runs on the calling thread, so the BYEs
     * are on their way down the phones' flows when it returns (before those flows are closed).
     *
     * @return how many calls were ended
     */
    public int endCallsOf(String aor, EndCause why) {
        int ended = 0;
        for (Call call : List.copyOf(calls.values())) {
            if (call.caller.equalsIgnoreCase(aor) || call.callee.equalsIgnoreCase(aor)) {
                call.hangUp(why);
                ended++;
            }
        }
        return ended;
    }

    /** A connection closed: calls ringing on it learn it now rather than at their timeout. */
    public void flowClosed(Flow flow) {
        for (Call call : calls.values()) {
            call.flowClosed(flow);
        }
    }

    private void invite(SIPRequest request, Flow flow) {
        Refusal refusal = checkInvite(request, flow);
        if (refusal != null) {
            metrics.counter("hub.calls.refused", "reason", refusal.reason()).increment();
            LOG.info("call refused from {} to {}: {} {}", LogText.of(refusal.caller()),
                    LogText.of(request.getRequestURI()), refusal.status(), LogText.of(refusal.detail()));
            sendOn(flow, refusal.status() == 503 ? Answers.busy(request, 5)
                    : Answers.answer(request, refusal.status(), Dialog.newTag(), null, null,
                            refusal.status() == 420 ? new String[] {"Unsupported: " + refusal.detail()}
                                    : refusal.detail() == null ? new String[0]
                                    : new String[] {Answers.warning(flow, refusal.detail())}));
            return;
        }
    }

    private record Refusal(int status, String reason, String caller, String detail) {
    }

    /** Starts the call when it can be made; otherwise the reason it cannot. */
    private Refusal checkInvite(SIPRequest request, Flow flow) {
        List<String> unsupported = unsupportedExtensions(request);
        if (!unsupported.isEmpty()) {
            return new Refusal(420, "unsupported-extension", "?", String.join(", ", unsupported));
        }
        if (request.getMaxForwards() != null && request.getMaxForwards().getMaxForwards() <= 0) {
            return new Refusal(483, "too-many-hops", "?", "Max-Forwards reached 0");
        }
        String callId = request.getCallId().getCallId();
        if (dialogs.containsKey(callId)) {
            return new Refusal(482, "loop", "?", "Call-ID " + callId + " is already a call here");
        }
        List<String> registered = location.aorsOn(flow.id());
        if (registered.isEmpty()) {
            return new Refusal(403, "not-registered", flow.remote().toString(),
                    "register on this connection before calling");
        }
        String caller = callerAor(request, registered);
        if (caller == null) {
            return new Refusal(403, "from-mismatch", registered.get(0),
                    "From is not the AOR registered on this connection");
        }
        long going = calls.values().stream().filter(call -> call.caller.equals(caller)).count();
        if (going >= settings.maxCallsPerPhone()) {
            return new Refusal(503, "too-many-calls", caller, going + " calls going already");
        }
        if (!(request.getRequestURI() instanceof SipUri target) || target.getUser() == null) {
            return new Refusal(404, "no-user", caller, "the request URI names no extension");
        }
        String domain = caller.replaceFirst("^.*@", "");
        // Calls stay within the caller's domain (its tenant): naming another served domain is refused.
        Optional<String> named = accounts.canonicalDomain(target.getHost().toLowerCase(Locale.ROOT));
        if (named.isPresent() && !named.get().equals(domain)) {
            return new Refusal(403, "other-domain", caller, "calls stay within " + domain);
        }
        String user = target.getUser();
        String callee = "sip:" + user + "@" + domain;
        if (accounts.lookup(user, domain).isEmpty()) {
            return new Refusal(404, "unknown", caller, callee + " is not provisioned");
        }
        List<Call.Target> targets = targets(callee, flow);
        if (targets.isEmpty()) {
            return new Refusal(480, "offline", caller, callee + " has no registered phone reachable now");
        }
        String offer = Call.body(request);
        if (offer == null) {
            return new Refusal(488, "no-offer", caller, "the hub needs an SDP offer in the INVITE");
        }
        if (request.getContactHeader() == null) {
            return new Refusal(400, "no-contact", caller, "an INVITE needs a Contact");
        }
        String id = UUID.randomUUID().toString();
        CallMedia media = new CallMedia(id, relay, settings);
        try {
            media.callerOffer(offer);
        } catch (SrtpRequired e) {
            return new Refusal(488, "srtp-required", caller, "SRTP is mandatory: " + e.getMessage());
        } catch (SdpException e) {
            media.release();
            return new Refusal(488, "bad-sdp", caller, e.getMessage());
        } catch (PortsExhaustedException e) {
            return new Refusal(503, "relay-busy", caller, e.getMessage());
        } catch (RelayException e) {
            return new Refusal(500, "relay-failed", caller, e.getMessage());
        }
        Call call = new Call(id, this, request, flow, caller, callee, media, now());
        calls.put(id, call);
        register(call.callerDialog());
        metrics.counter("hub.calls.started").increment();
        LOG.info("call {} from {} to {} ringing {} flow(s)", id, caller, callee, targets.size());
        try {
            call.start(targets);
        } catch (RuntimeException e) {
            LOG.error("call {} could not start", id, e);
            call.hangUp(EndCause.REFUSED);
        }
        return null;
    }

    /** The caller's AOR: the registered one its From names (by user; the domain is the hub's). */
    private static String callerAor(SIPRequest request, List<String> registered) {
        if (!(request.getFrom().getAddress().getURI() instanceof SipUri from) || from.getUser() == null) {
            return null;
        }
        String user = from.getUser().toLowerCase(Locale.ROOT);
        return registered.stream().filter(aor -> aor.toLowerCase(Locale.ROOT).startsWith("sip:" + user + "@"))
                .findFirst().orElse(null);
    }

    /** Every binding of the callee with a live flow, the caller's own flow left out. */
    private List<Call.Target> targets(String callee, Flow callerFlow) {
        List<Call.Target> targets = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>(location.bindings(callee));
        bindings.sort(Comparator.comparing(Binding::refreshedAt).reversed());
        for (Binding binding : bindings) {
            Optional<Flow> flow = location.flow(binding);
            if (flow.isPresent() && flow.get() != callerFlow) {
                targets.add(new Call.Target(binding.contact().replaceFirst("^<([^>]*)>.*$", "$1"), flow.get()));
            }
        }
        return targets;
    }

    private static List<String> unsupportedExtensions(SIPRequest request) {
        List<String> unsupported = new ArrayList<>();
        for (var i = request.getHeaders("Require"); i.hasNext(); ) {
            String value = ((javax.sip.header.RequireHeader) i.next()).getOptionTag();
            if (!value.equalsIgnoreCase("outbound")) {
                unsupported.add(value);
            }
        }
        return unsupported;
    }

    /** A request is in a dialog when its tags are the dialog's (either way round). */
    private static boolean matches(Dialog dialog, SIPRequest request) {
        return dialog.localTag.equals(request.getToTag()) && (dialog.remoteTag == null
                || dialog.remoteTag.equals(request.getFromTag()));
    }

    // ---- what calls use

    CallSettings settings() {
        return settings;
    }

    Instant now() {
        return clock.instant();
    }

    void register(Dialog dialog) {
        dialogs.put(dialog.callId, dialog);
    }

    void unregister(Dialog dialog) {
        dialogs.remove(dialog.callId, dialog);
    }

    /** The flow to reach a dialog's phone: its own, or after it reconnected, its binding's new one. */
    Flow flowFor(Dialog dialog) {
        Flow flow = dialog.flow;
        if (flow != null && flow.isOpen()) {
            return flow;
        }
        for (Binding binding : location.bindings(dialog.aor)) {
            Optional<Flow> live = location.flow(binding);
            if (live.isPresent() && dialog.remoteTarget != null
                    && binding.contact().contains(dialog.remoteTarget)) {
                dialog.flow = live.get();
                return live.get();
            }
        }
        return null;
    }

    void send(Dialog dialog, String message) {
        Flow flow = flowFor(dialog);
        if (flow != null) {
            flow.send(message);
        }
    }

    void sendOn(Flow flow, String message) {
        if (flow != null) {
            flow.send(message);
        }
    }

    ScheduledFuture<?> schedule(Call call, Duration delay, Runnable task) {
        try {
            return timers.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("call {} timer failed", call == null ? "-" : call.id, e);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void execute(Runnable task) {
        schedule(null, Duration.ZERO, task);
    }

    /** A call ended: forget its dialogs, keep its record. */
    void ended(Call call) {
        calls.remove(call.id);
        // Dialogs with an INVITE still open stay a while, so a late 487 or 200 is still acknowledged.
        dialogs.values().removeIf(dialog -> dialog.call == call && dialog.pending.isEmpty());
        schedule(call, settings.transactionTimeout(), () -> dialogs.values().removeIf(dialog -> dialog.call == call));
        CallRecord record = call.record();
        metrics.counter("hub.calls.ended", "cause", record.cause().code()).increment();
        if (record.media().values().stream().anyMatch(leg -> Boolean.TRUE.equals(leg.get("qualityBreached")))) {
            // The seed's bounds: jitter above 30 ms or loss above 1 % on either leg.
            metrics.counter("hub.calls.quality.breached").increment();
        }
        LOG.info("call {} ended {} -> {}: {} status={}{}", call.id, call.caller, call.callee, record.cause().code(),
                record.status(), mediaLine(record));
        try {
            recordWriter.execute(() -> {
                try {
                    records.save(record);
                } catch (RuntimeException e) {
                    LOG.warn("call {} record not stored: {}", call.id, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("call {} record not stored: the hub is stopping", call.id);
        }
    }

    private static String mediaLine(CallRecord record) {
        StringBuilder line = new StringBuilder();
        record.media().forEach((leg, figures) -> line.append(' ').append(leg).append(" rx=")
                .append(figures.get("packetsReceived")).append(" lost=").append(figures.get("lost"))
                .append(" jitterMs=").append(figures.get("jitterMs")).append(" authFailures=")
                .append(figures.get("authFailures")));
        return line.toString();
    }

    // ---- what admins see

    /** Active calls with their live media figures. */
    public List<CallRecord> active() {
        return calls.values().stream().map(Call::record)
                .sorted(Comparator.comparing(CallRecord::startedAt)).toList();
    }

    /** The latest ended calls, newest first. */
    public List<CallRecord> recent() {
        return records.recent(RECENT_CALLS);
    }

    /** Ends every call with a BYE to both phones. */
    @Override
    public void close() {
        for (Call call : List.copyOf(calls.values())) {
            call.hangUp(EndCause.HUB_STOPPED);
        }
        timers.shutdownNow();
        recordWriter.shutdown();
        try {
            if (!recordWriter.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("call records still being written at stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
