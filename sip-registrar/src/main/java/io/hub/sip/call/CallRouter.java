package io.hub.sip.call;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.relay.DeadStream;
import io.hub.relay.MediaRelay;
import io.hub.relay.PortsExhaustedException;
import io.hub.relay.RelayException;
import io.hub.relay.dtls.DtlsLegReport;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.sdp.SdpException;
import io.hub.relay.sdp.SrtpRequired;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.transport.Flow;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes calls between registered phones: an INVITE from a phone's flow to an extension of its
 * domain ({@link InviteAdmission}) becomes a {@link Call}, which rings every live flow of the
 * callee; in-dialog requests and the phones' answers find their call by Call-ID. What the hub
 * refuses goes through {@link CallRefusals}; what stays of an ended call through {@link CallLedger}.
 */
public final class CallRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallRouter.class);

    private final MediaRelay relay;
    private final DtlsSrtpLegs dtlsLegs;
    private final CallSettings settings;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final CallTimers timers;
    private final InviteAdmission admission;
    private final CallRefusals refusals;
    private final CallLedger ledger;
    private final CallDialogs dialogs;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    /** Hang-ups the relay reports run here, off its I/O thread (releasing a session waits for that thread). */
    private final ExecutorService relayEvents = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "sip-call-relay-events");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param timers where the calls' timeouts run; closed with the router
     */
    public CallRouter(LocationService location, CredentialSource accounts, MediaRelay relay, CallSettings settings,
            CallRecords records, Clock clock, MeterRegistry metrics, CallTimers timers) {
        this(location, accounts, relay, settings, records, clock, metrics, timers, null);
    }

    /**
     * @param dtlsLegs where a WebRTC caller's DTLS-SRTP leg is made, or null to refuse WebRTC offers
     *     (488); a failed handshake on one of its legs ends the call ({@link #dtlsEnded})
     */
    public CallRouter(LocationService location, CredentialSource accounts, MediaRelay relay, CallSettings settings,
            CallRecords records, Clock clock, MeterRegistry metrics, CallTimers timers, DtlsSrtpLegs dtlsLegs) {
        this.dtlsLegs = dtlsLegs;
        this.relay = relay;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.timers = timers;
        this.admission = new InviteAdmission(location, accounts, settings);
        this.dialogs = new CallDialogs(location);
        this.refusals = new CallRefusals(metrics);
        this.ledger = new CallLedger(records, metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.calls.active", calls, Map::size)
                .description("calls in progress now").register(metrics);
        if (dtlsLegs != null) {
            dtlsLegs.onHandshake(this::dtlsEnded);
        }
    }

    /**
     * Calls to a callee also ring its phones on other nodes of the cluster, found by {@code remote},
     * down links to those nodes; this node's relay anchors the media.
     */
    public void reachOtherNodes(RemoteCallees remote) {
        admission.remote(remote);
    }

    /** Told of every refusal of the hub's own, for the audit log. */
    public void onRefusal(Consumer<CallRefusal.Refused> listener) {
        refusals.onRefusal(listener);
    }

    /** The relay's report of a call whose media stopped: both legs get a BYE. */
    public void deadStream(DeadStream event) {
        Call call = calls.get(event.session().callId());
        if (call == null) {
            relay.release(event.session());
            return;
        }
        try {
            relayEvents.execute(() -> {
                try {
                    call.hangUp(EndCause.MEDIA_TIMEOUT);
                } catch (RuntimeException e) {
                    LOG.error("call {} could not be hung up after its media stopped", call.id, e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The router is closing: it hangs up every call itself.
        }
    }

    /**
     * A DTLS-SRTP leg's handshake ended. A failed one (a certificate that does not hash to the SDP's
     * fingerprint is someone else on the media path) ends its call with a BYE to both phones, counted
     * and audited as the media's refusal. Comes on the handshake's thread; the hang-up runs off it.
     */
    void dtlsEnded(DtlsLegReport report) {
        if (report.established()) {
            return;
        }
        Call call = calls.get(report.callId());
        if (call == null) {
            return;
        }
        String who = report.side() == io.hub.relay.Side.A ? call.caller : call.callee;
        String failure = report.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        refusals.refuseMedia(CallRefusal.DTLS_FAILED, "DTLS", who, report.peer() == null ? "?"
                : report.peer().getAddress().getHostAddress() + ":" + report.peer().getPort(), failure);
        try {
            relayEvents.execute(() -> {
                try {
                    call.hangUp(EndCause.DTLS_FAILED);
                } catch (RuntimeException e) {
                    LOG.error("call {} could not be hung up after its DTLS failed", call.id, e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The router is closing: it hangs up every call itself.
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
            io.hub.sip.transport.RefusalCounters.counter(metrics, "malformed").increment();
            return true;
        }
        String method = request.getMethod();
        Dialog dialog = dialogs.get(request.getCallId().getCallId());
        if (method.equals("CANCEL")) {
            Call call = dialog == null ? null : dialog.call;
            // A CANCEL names its INVITE by Call-ID and Via branch (RFC 3261 §9.2), from the caller.
            if (call == null || dialog != call.callerDialog()
                    || !call.inviteBranch().equals(request.getTopmostVia().getBranch())
                    || !dialogs.registeredOn(flow, dialog)) {
                refuse(CallRefusal.NO_DIALOG, request, flow, "?", "no INVITE of this branch is ringing");
            } else {
                call.cancel(request, flow);
            }
            return true;
        }
        if (request.getToTag() != null) {
            if (dialog == null || !CallDialogs.matches(dialog, request)) {
                if (!method.equals("ACK")) {
                    refuse(CallRefusal.NO_DIALOG, request, flow, "?", "no dialog of these tags");
                }
                return true;
            }
            if (!dialogs.maySpeak(flow, dialog)) {
                refuse(CallRefusal.FOREIGN_FLOW, request, flow, dialog.aor, "the dialog is another phone's");
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
        if (waiting == null || !dialogs.maySpeak(flow, dialog)) {
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
        InviteAdmission.Admitted admitted;
        try {
            admitted = admission.check(request, flow, dialogs::contains,
                    caller -> calls.values().stream().filter(call -> call.caller.equals(caller)).count());
        } catch (InviteAdmission.Refused refused) {
            refuse(refused.cause, request, flow, refused.who, refused.detail);
            return;
        }
        String id = UUID.randomUUID().toString();
        CallMedia media = new CallMedia(id, relay, settings, dtlsLegs);
        try {
            media.callerOffer(admitted.offer());
        } catch (SrtpRequired e) {
            refuse(CallRefusal.SRTP_REQUIRED, request, flow, admitted.caller(), "SRTP is mandatory: " + e.getMessage());
            return;
        } catch (SdpException e) {
            media.release();
            refuse(CallRefusal.BAD_SDP, request, flow, admitted.caller(), e.getMessage());
            return;
        } catch (PortsExhaustedException e) {
            refuse(CallRefusal.RELAY_BUSY, request, flow, admitted.caller(), e.getMessage());
            return;
        } catch (RelayException e) {
            refuse(CallRefusal.RELAY_FAILED, request, flow, admitted.caller(), e.getMessage());
            return;
        }
        Call call = new Call(id, this, request, flow, admitted.caller(), admitted.callee(), media, now());
        calls.put(id, call);
        register(call.callerDialog());
        io.micrometer.core.instrument.Counter.builder("hub.calls.started")
                .description("calls the hub routed to their callee").register(metrics).increment();
        LOG.info("call {} from {} to {} ringing {} flow(s)", id, admitted.caller(), admitted.callee(),
                admitted.targets().size());
        try {
            call.start(admitted.targets());
        } catch (RuntimeException e) {
            LOG.error("call {} could not start", id, e);
            call.hangUp(EndCause.REFUSED);
        }
    }

    // ---- what calls use

    CallSettings settings() {
        return settings;
    }

    /**
     * The relay address a phone on {@code flow} sends media to: the configured one, else where it
     * reached the hub (known even after the flow closed).
     */
    String mediaAddress(Flow flow) {
        String configured = settings.mediaAddress();
        return configured != null ? configured : flow.local().getAddress().getHostAddress();
    }

    Instant now() {
        return clock.instant();
    }

    void refuse(CallRefusal cause, SIPRequest request, Flow flow, String who, String detail) {
        refusals.refuse(cause, request, flow, who, detail);
    }

    void register(Dialog dialog) {
        dialogs.add(dialog);
    }

    void unregister(Dialog dialog) {
        dialogs.remove(dialog);
    }

    Flow flowFor(Dialog dialog) {
        return dialogs.flowFor(dialog);
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

    CallTimers.Timer schedule(Call call, Duration delay, Runnable task) {
        return timers.schedule(delay, () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("call {} timer failed", call.id, e);
            }
        });
    }

    /** A call ended: forget its dialogs, keep its record. */
    void ended(Call call) {
        calls.remove(call.id);
        // Dialogs with an INVITE still open stay a while, so a late 487 or 200 is still acknowledged.
        dialogs.removeIdle(call);
        schedule(call, settings.transactionTimeout(), () -> dialogs.removeAll(call));
        ledger.ended(call.record());
    }

    // ---- what admins see

    /** Active calls with their live media figures. */
    public List<CallRecord> active() {
        return calls.values().stream().map(Call::record)
                .sorted(Comparator.comparing(CallRecord::startedAt)).toList();
    }

    /** The latest ended calls, newest first. */
    public List<CallRecord> recent() {
        return ledger.recent();
    }

    /** Ends every call with a BYE to both phones. */
    @Override
    public void close() {
        for (Call call : List.copyOf(calls.values())) {
            call.hangUp(EndCause.HUB_STOPPED);
        }
        timers.close();
        relayEvents.shutdownNow();
        ledger.close();
    }

}
