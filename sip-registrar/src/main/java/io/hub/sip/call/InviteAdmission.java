package io.hub.sip.call;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.message.SIPRequest;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.transport.Flow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Whether an INVITE from a phone may become a call, before anything is allocated for it: who calls
 * (the AOR registered on the flow it came down; the registration's digest proved it, so From cannot
 * be forged), whom (an extension of the caller's own domain), and which of the callee's flows ring.
 */
final class InviteAdmission {

    private final LocationService location;
    private final CredentialSource accounts;
    private final CallSettings settings;
    private volatile RemoteCallees remote;

    InviteAdmission(LocationService location, CredentialSource accounts, CallSettings settings) {
        this.location = location;
        this.accounts = accounts;
        this.settings = settings;
    }

    /** Where the callee's phones on other nodes are found from now on. */
    void remote(RemoteCallees remote) {
        this.remote = remote;
    }

    /** What an admitted INVITE becomes: a call from {@code caller} to {@code callee} ringing {@code targets}. */
    record Admitted(String caller, String callee, List<Call.Target> targets, String offer) {
    }

    /** A refusal with its detail, and the caller when it is known ("?" before). */
    static final class Refused extends Exception {
        final CallRefusal cause;
        final String who;
        final String detail;

        Refused(CallRefusal cause, String who, String detail) {
            super(cause.code() + ": " + detail, null, false, false);
            this.cause = cause;
            this.who = who;
            this.detail = detail;
        }
    }

    /**
     * @param isCall whether a Call-ID is a call here already
     * @param callsOf how many calls an AOR has going
     */
    Admitted check(SIPRequest request, Flow flow, Predicate<String> isCall, ToLongFunction<String> callsOf)
            throws Refused {
        List<String> unsupported = unsupportedExtensions(request);
        if (!unsupported.isEmpty()) {
            throw new Refused(CallRefusal.UNSUPPORTED_EXTENSION, "?", String.join(", ", unsupported));
        }
        if (request.getMaxForwards() != null && request.getMaxForwards().getMaxForwards() <= 0) {
            throw new Refused(CallRefusal.TOO_MANY_HOPS, "?", "Max-Forwards reached 0");
        }
        String callId = request.getCallId().getCallId();
        if (isCall.test(callId)) {
            throw new Refused(CallRefusal.LOOP, "?", "Call-ID " + callId + " is already a call here");
        }
        List<String> registered = location.aorsOn(flow.id());
        if (registered.isEmpty()) {
            throw new Refused(CallRefusal.NOT_REGISTERED, "?", "register on this connection before calling");
        }
        String caller = callerAor(request, registered);
        if (caller == null) {
            throw new Refused(CallRefusal.FROM_MISMATCH, registered.get(0),
                    "From is not the AOR registered on this connection");
        }
        long going = callsOf.applyAsLong(caller);
        if (going >= settings.maxCallsPerPhone()) {
            throw new Refused(CallRefusal.TOO_MANY_CALLS, caller, going + " calls going already");
        }
        if (!(request.getRequestURI() instanceof SipUri target) || target.getUser() == null) {
            throw new Refused(CallRefusal.NO_USER, caller, "the request URI names no extension");
        }
        String domain = caller.replaceFirst("^.*@", "");
        // Calls stay within the caller's domain (its tenant): naming another served domain is refused.
        Optional<String> named = accounts.canonicalDomain(target.getHost().toLowerCase(Locale.ROOT));
        if (named.isPresent() && !named.get().equals(domain)) {
            throw new Refused(CallRefusal.OTHER_DOMAIN, caller, "calls stay within " + domain);
        }
        String user = target.getUser();
        String callee = "sip:" + user + "@" + domain;
        if (accounts.lookup(user, domain).isEmpty()) {
            throw new Refused(CallRefusal.UNKNOWN, caller, callee + " is not provisioned");
        }
        List<Call.Target> targets = targets(callee, flow);
        if (targets.isEmpty()) {
            throw new Refused(CallRefusal.OFFLINE, caller, callee + " has no registered phone reachable now");
        }
        String offer = Requests.body(request);
        if (offer == null) {
            throw new Refused(CallRefusal.NO_OFFER, caller, "the hub needs an SDP offer in the INVITE");
        }
        if (request.getContactHeader() == null) {
            throw new Refused(CallRefusal.NO_CONTACT, caller, "an INVITE needs a Contact");
        }
        return new Admitted(caller, callee, targets, offer);
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

    /** Every binding of the callee with a live flow, the caller's own flow left out, the freshest first. */
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
        RemoteCallees elsewhere = remote;
        if (elsewhere != null) {
            for (RemoteCallees.Reach reach : elsewhere.reach(callee)) {
                targets.add(new Call.Target(reach.contactUri(), reach.link(), reach.route()));
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
}
