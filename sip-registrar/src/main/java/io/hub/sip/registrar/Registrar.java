package io.hub.sip.registrar;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.DeviceIdentity;
import io.hub.pki.DeviceValidation;
import io.hub.pki.MacAddress;
import io.hub.pki.RefusalCause;
import io.hub.pki.TrustLevel;
import io.hub.pki.log.LogText;
import io.hub.sip.StoreUnavailableException;
import io.hub.sip.location.Binding;
import io.hub.sip.refusal.RefusalAnswer;
import io.hub.sip.refusal.RefusalTally;
import io.hub.sip.location.LocationService;
import io.hub.sip.transport.Flow;
import io.hub.sip.transport.GuardGauges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sip.header.AuthorizationHeader;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REGISTER per RFC 3261 §10.3, with RFC 5626 outbound: extensions, the AOR, digest, the client
 * certificate, the contacts and their expiry, Call-ID/CSeq order, then the whole binding set is
 * replaced at once and every binding is listed in the 200. Every failure is one
 * {@link RegisterFailure}, answered in one place.
 */
public final class Registrar {

    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    private static final Set<String> UNDERSTOOD = Set.of("outbound", "path", "gruu");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** A refused REGISTER, as the audit trail records it. */
    public record Refusal(String aor, String source, RegisterFailure failure, String detail) {
    }

    /** How long a flow's certificate verdict is reused before a REGISTER has it judged again. */
    static final Duration VERDICT_REUSE = Duration.ofSeconds(5);

    private final CredentialSource credentials;
    private final Predicate<MacAddress> revokedDevice;
    private final DigestAuthenticator digest;
    private final LocationService location;
    private final RegistrarSettings settings;
    private final Clock clock;
    private final RefusalTally<Refusal> refusals;
    private final io.micrometer.core.instrument.Counter registeredOk;
    private final io.micrometer.core.instrument.Counter challenged;
    private final RefusalLogLimiter refusalLog;
    private final RegisterRate rate;
    private final List<Consumer<DeviceIdentity>> certificateListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public Registrar(CredentialSource credentials, DigestAuthenticator digest, LocationService location,
            RegistrarSettings settings, Clock clock, MeterRegistry metrics) {
        this(credentials, digest, location, settings, clock, metrics, mac -> false);
    }

    /**
     * @param revokedDevice true for a phone revoked by MAC: its account may not register, with or
     *     without a certificate (a copied password must not outlive the phone's revocation)
     */
    public Registrar(CredentialSource credentials, DigestAuthenticator digest, LocationService location,
            RegistrarSettings settings, Clock clock, MeterRegistry metrics, Predicate<MacAddress> revokedDevice) {
        this.revokedDevice = revokedDevice;
        this.refusals = new RefusalTally<>(metrics, "hub.sip.register",
                "REGISTER requests by outcome (ok, challenged, or the refusal's reason)", "outcome");
        // The two outcomes of every registration are looked up once: a registry lookup per REGISTER
        // showed in the profile.
        this.registeredOk = refusals.counter("ok");
        this.challenged = refusals.counter("challenged");
        this.credentials = credentials;
        this.digest = digest;
        this.location = location;
        this.settings = settings;
        this.clock = clock;
        this.refusalLog = new RefusalLogLimiter(clock);
        this.rate = new RegisterRate(settings.registersPerAorPerSecond(), clock);
        GuardGauges.register(metrics, "refusal-logs-per-source", refusalLog, RefusalLogLimiter::sources);
        GuardGauges.register(metrics, "registers-per-aor", rate, RegisterRate::aors);
    }

    /** Logs the counts of refusals left unlogged in minutes that have ended; run by a timer. */
    public void summarizeRefusals() {
        refusalLog.sweep();
    }

    /** Refusals (wrong passwords above all) are reported to these, for the audit log and metrics. */
    public void onRefusal(Consumer<Refusal> listener) {
        refusals.onRefusal(listener);
    }

    /** Told of every certificate a REGISTER was accepted with: the hub remembers it for its device. */
    public void onCertificateAccepted(Consumer<DeviceIdentity> listener) {
        certificateListeners.add(listener);
    }

    /** Handles one REGISTER that arrived on {@code flow} and sends the answer down it. */
    public void register(SIPRequest request, Flow flow) {
        String answer;
        try {
            answer = process(request, flow);
        } catch (Refused refused) {
            answer = refusal(request, flow, refused);
        }
        flow.send(answer);
    }

    private String process(SIPRequest request, Flow flow) throws Refused {
        List<String> unsupported = unsupported(request);
        if (!unsupported.isEmpty()) {
            throw new Refused(RegisterFailure.UNSUPPORTED_EXTENSION, String.join(", ", unsupported), null);
        }
        if (!(request.getTo().getAddress().getURI() instanceof SipUri to) || to.getUser() == null) {
            throw new Refused(RegisterFailure.MALFORMED, "the To header names no sip: user", null);
        }
        String domain = to.getHost().toLowerCase(Locale.ROOT);
        SipCredentials account;
        try {
            account = credentials.lookup(to.getUser(), domain).orElseThrow(() -> new Refused(
                    RegisterFailure.UNKNOWN_AOR, "sip:" + to.getUser() + "@" + domain, null));
        } catch (StoreUnavailableException e) {
            throw new Refused(RegisterFailure.STORE_UNAVAILABLE, "accounts: " + e.getMessage(), null);
        }
        // The account's realm is its domain as the hub writes it: another name of it registers the same AOR.
        String aor = "sip:" + to.getUser() + "@" + account.realm();
        authenticate(request, flow, account);
        if (!account.enabled()) {
            throw new Refused(RegisterFailure.DISABLED, aor, null);
        }
        if (account.device().filter(revokedDevice).isPresent()) {
            throw new Refused(RegisterFailure.REVOKED, "device " + account.device().get() + " of " + aor
                    + " is revoked", null);
        }
        String deviceMac = checkCertificate(flow, account, aor);
        if (!rate.allow(aor)) {
            throw new Refused(RegisterFailure.TOO_FREQUENT, aor + " over " + settings.registersPerAorPerSecond()
                    + " REGISTERs a second", null);
        }
        List<Binding> updated;
        java.util.concurrent.atomic.AtomicReference<List<Binding>> before = new java.util.concurrent.atomic
                .AtomicReference<>(List.of());
        try {
            // Under the AOR's lock: the current bindings are read, changed, stored and applied as one step.
            updated = location.update(aor, current -> {
                before.set(current);
                return bindings(request, flow, aor, deviceMac, current);
            });
        } catch (IllegalStateException e) {
            LOG.warn("register {} could not be stored: {}", LogText.of(aor), LogText.of(e.getMessage()));
            throw new Refused(RegisterFailure.STORE_UNAVAILABLE, e.getMessage(), null);
        }
        boolean outbound = updated.stream().anyMatch(b -> b.isOutbound() && b.flowId() == flow.id());
        if (updated.stream().anyMatch(b -> b.flowId() == flow.id())) {
            location.flowOpened(flow);
            long quiet = outbound ? settings.flowTimer().plus(settings.flowGrace()).toMillis()
                    : Math.max(flow.idleTimeoutDefault(), maxExpiry(updated, flow) + settings.flowGrace().toMillis());
            flow.idleTimeout(quiet);
        }
        RegisterAnswer ok = new RegisterAnswer(request, 200, "OK");
        Instant now = clock.instant();
        for (Binding binding : updated) {
            // Rounded up: a binding stored a few milliseconds ago across a second's edge has its whole
            // interval left, not one second less.
            long remaining = Math.max(0, (binding.expiresAt().toEpochMilli() - now.toEpochMilli() + 999) / 1000);
            ok.header("Contact", binding.contact() + ";expires=" + remaining);
        }
        if (outbound) {
            ok.header("Require", "outbound");
            ok.header("Flow-Timer", Long.toString(settings.flowTimer().toSeconds()));
        }
        ok.header("Date", HTTP_DATE.format(now));
        // The phone's MAC: its certificate's, else the device the account belongs to (a line without one
        // names no phone; an account of no device is the only case, and then the field is left out).
        String mac = deviceMac != null ? deviceMac : account.device().map(MacAddress::value).orElse(null);
        if (sameBindings(before.get(), updated)) {
            // A refresh is routine, a line for each would be most of the log (and a write each): the
            // counter has it.
            LOG.debug("register refreshed aor={}{} bindings={} flow={}", LogText.of(aor),
                    mac == null ? "" : " mac=" + mac, updated.size(), flow);
        } else {
            LOG.info("register ok aor={}{} bindings={} flow={} outbound={}", LogText.of(aor),
                    mac == null ? "" : " mac=" + mac, updated.size(), flow, outbound);
        }
        registeredOk.increment();
        return ok.text();
    }

    /** Whether a REGISTER left the same bindings on the same flows: a refresh, or a query of its bindings. */
    private static boolean sameBindings(List<Binding> before, List<Binding> after) {
        if (before.size() != after.size()) {
            return false;
        }
        java.util.Set<String> held = new java.util.HashSet<>();
        before.forEach(b -> held.add(b.key() + " " + b.flowId()));
        return after.stream().allMatch(b -> held.contains(b.key() + " " + b.flowId()));
    }

    private void authenticate(SIPRequest request, Flow flow, SipCredentials account) throws Refused {
        Map<String, String> authorization = request.getHeader("Authorization") instanceof AuthorizationHeader header
                ? DigestAuthenticator.parameters(header) : null;
        DigestAuthenticator.Verdict verdict = digest.check(authorization, "REGISTER",
                uri -> RequestUris.designatesRegistrar(uri, request.getRequestURI(), flow.local()), account);
        switch (verdict) {
            case OK -> {
                return;
            }
            case MISSING, BAD_NONCE, MALFORMED -> throw new Refused(null, "challenge", digest.challenges(
                    account.realm(), false, md5Only(request, flow)));
            case STALE -> throw new Refused(null, "stale nonce", digest.challenges(account.realm(), true,
                    md5Only(request, flow)));
            case WRONG_USER -> throw new Refused(RegisterFailure.WRONG_USER, "username "
                    + authorization.get("username") + " may not register " + account.user(), null);
            case WRONG_PASSWORD -> throw new Refused(RegisterFailure.WRONG_PASSWORD, account.user(), null);
            case REPLAYED -> throw new Refused(RegisterFailure.REPLAYED, account.user(), null);
            case WRONG_URI -> throw new Refused(RegisterFailure.WRONG_URI, "digest uri " + authorization.get("uri")
                    + " names neither the Request-URI " + request.getRequestURI() + " nor this registrar", null);
            default -> throw new IllegalStateException(verdict.name());
        }
    }

    /**
     * True for a client known to give up on a challenge that offers SHA-256: by its User-Agent, or any
     * client on a WebSocket flow. Browser SIP libraries (JsSIP 3.13, SIP.js 0.21) read only the first
     * WWW-Authenticate and answer only MD5, so offering SHA-256 first would lock every softphone out;
     * the WebSocket itself is TLS, which is what protects the digest there.
     */
    private boolean md5Only(SIPRequest request, Flow flow) {
        if ("WSS".equals(flow.transport())) {
            return true;
        }
        SIPHeader agent = (SIPHeader) request.getHeader("User-Agent");
        String name = agent == null ? "" : agent.getHeaderValue().toLowerCase(Locale.ROOT);
        return settings.md5OnlyAgents().stream().anyMatch(name::contains);
    }

    /**
     * The MAC of an accepted client certificate that belongs to the account's phone, or null without
     * one (where the account's policy allows that). The certificate is judged for the account's MAC,
     * so a generic CA's certificate, which proves the vendor only, names that phone; it is accepted
     * only when it is the certificate bound to the phone.
     */
    private String checkCertificate(Flow flow, SipCredentials account, String aor) throws Refused {
        DeviceValidation certificate = flow.certificate(account.device(), clock.instant(), VERDICT_REUSE);
        if (certificate.refusal().filter(cause -> cause == RefusalCause.NO_CERTIFICATE).isPresent()) {
            if (account.certificateRequired()) {
                throw new Refused(RegisterFailure.CERTIFICATE_REQUIRED, aor + " registers only with a valid "
                        + "certificate of " + account.device().map(MacAddress::value).orElse("its phone"), null);
            }
            return null;
        }
        if (!certificate.isAccepted()) {
            RefusalCause cause = certificate.refusal().orElseThrow();
            throw new Refused(cause == RefusalCause.MAC_MISMATCH ? RegisterFailure.CERTIFICATE_MISMATCH
                    : RegisterFailure.CERTIFICATE_REFUSED, cause.code() + ": " + certificate.detail() + " (" + aor
                    + ")", null);
        }
        DeviceIdentity identity = certificate.identityOrThrow();
        String mac = identity.mac().value();
        if (account.device().isPresent() && !account.device().get().value().equals(mac)) {
            throw new Refused(RegisterFailure.CERTIFICATE_MISMATCH, "certificate of " + mac + " used for " + aor
                    + ", which belongs to " + account.device().get(), null);
        }
        if (identity.trustLevel() == TrustLevel.VENDOR_ONLY
                && !account.certificateSha256().filter(identity.fingerprint()::equalsIgnoreCase).isPresent()) {
            throw new Refused(RegisterFailure.CERTIFICATE_NOT_BOUND, "certificate " + identity.fingerprint()
                    + " of " + identity.issuer() + " proves the vendor only and is not the one bound to " + mac, null);
        }
        for (Consumer<DeviceIdentity> listener : certificateListeners) {
            try {
                listener.accept(identity);
            } catch (RuntimeException e) {
                LOG.warn("certificate not remembered mac={}: {}", mac, e.toString());
            }
        }
        return mac;
    }

    private List<Binding> bindings(SIPRequest request, Flow flow, String aor, String deviceMac, List<Binding> current)
            throws Refused {
        List<Contact> contacts = contacts(request);
        Integer headerExpires = request.getExpires() == null ? null : request.getExpires().getExpires();
        if (contacts.stream().anyMatch(Contact::isWildCard)) {
            if (contacts.size() != 1 || headerExpires == null || headerExpires != 0) {
                throw new Refused(RegisterFailure.BAD_WILDCARD, "'*' needs to be the only Contact, with Expires: 0",
                        null);
            }
            checkOrder(request, current);
            return List.of();
        }
        if (contacts.isEmpty()) {
            return current;
        }
        Instant now = clock.instant();
        boolean supportsOutbound = optionTags(request, "Supported").contains("outbound");
        String callId = request.getCallId().getCallId();
        long cseq = request.getCSeq().getSeqNumber();
        String userAgent = request.getHeader("User-Agent") == null ? null
                : ((SIPHeader) request.getHeader("User-Agent")).getHeaderValue();
        Map<String, Binding> next = new LinkedHashMap<>();
        current.forEach(b -> next.put(b.key(), b));
        List<Binding> touched = new ArrayList<>();
        for (Contact contact : contacts) {
            int expires = contact.getExpires() >= 0 ? contact.getExpires()
                    : headerExpires != null ? headerExpires : settings.defaultExpires();
            if (expires > 0 && expires < settings.minExpires()) {
                throw new Refused(RegisterFailure.INTERVAL_TOO_BRIEF, expires + " s", null);
            }
            expires = Math.min(expires, settings.maxExpires());
            String instance = supportsOutbound ? contact.getParameter("+sip.instance") : null;
            Integer regId = supportsOutbound ? regId(contact) : null;
            String uri = contactUri(contact);
            Binding candidate = new Binding(aor, uri, instance, instance == null ? null : regId, callId, cseq,
                    now.plusSeconds(expires), now, now, flow.id(), flow.remote().getAddress().getHostAddress() + ":"
                            + flow.remote().getPort(), flow.transport(), userAgent, deviceMac, flow.cipherSuite());
            Binding existing = next.get(candidate.key());
            if (existing != null) {
                checkOrder(request, List.of(existing));
                candidate = new Binding(aor, uri, candidate.instance(), candidate.regId(), callId, cseq,
                        candidate.expiresAt(), existing.registeredAt(), now, flow.id(), candidate.source(),
                        candidate.transport(), userAgent, deviceMac, flow.cipherSuite());
            }
            if (expires == 0) {
                next.remove(candidate.key());
            } else {
                next.put(candidate.key(), candidate);
                touched.add(candidate);
            }
        }
        List<Binding> result = new ArrayList<>(next.values());
        while (result.size() > settings.maxContacts()) {
            // The oldest binding not made by this request gives way.
            result.stream().filter(b -> !touched.contains(b)).min(Comparator.comparing(Binding::refreshedAt))
                    .ifPresentOrElse(result::remove, () -> result.remove(0));
        }
        return result;
    }

    private static void checkOrder(SIPRequest request, List<Binding> bindings) throws Refused {
        String callId = request.getCallId().getCallId();
        long cseq = request.getCSeq().getSeqNumber();
        for (Binding binding : bindings) {
            if (binding.callId().equals(callId) && cseq <= binding.cseq()) {
                throw new Refused(RegisterFailure.OUT_OF_ORDER, "CSeq " + cseq + " is not above " + binding.cseq()
                        + " for Call-ID " + callId, null);
            }
        }
    }

    private static List<Contact> contacts(SIPRequest request) {
        List<Contact> contacts = new ArrayList<>();
        if (request.getContactHeaders() != null) {
            for (Iterator<?> i = request.getContactHeaders().listIterator(); i.hasNext(); ) {
                contacts.add((Contact) i.next());
            }
        }
        return contacts;
    }

    private static String contactUri(Contact contact) {
        return "<" + contact.getAddress().getURI().toString() + ">"
                + (contact.getParameter("+sip.instance") == null ? ""
                        : ";+sip.instance=\"" + contact.getParameter("+sip.instance").replace("\"", "") + "\"")
                + (contact.getParameter("reg-id") == null ? "" : ";reg-id=" + contact.getParameter("reg-id"));
    }

    private static Integer regId(Contact contact) throws Refused {
        String value = contact.getParameter("reg-id");
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Refused(RegisterFailure.MALFORMED, "reg-id '" + value + "' is not a number", null);
        }
    }

    private static List<String> unsupported(SIPRequest request) {
        List<String> unknown = new ArrayList<>();
        for (String tag : optionTags(request, "Require")) {
            if (!UNDERSTOOD.contains(tag)) {
                unknown.add(tag);
            }
        }
        return unknown;
    }

    private static Set<String> optionTags(SIPRequest request, String header) {
        Set<String> tags = new HashSet<>();
        for (Iterator<?> i = request.getHeaders(header); i != null && i.hasNext(); ) {
            for (String tag : ((SIPHeader) i.next()).getHeaderValue().split(",")) {
                tags.add(tag.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tags;
    }

    private long maxExpiry(List<Binding> bindings, Flow flow) {
        Instant now = clock.instant();
        return bindings.stream().filter(b -> b.flowId() == flow.id())
                .mapToLong(b -> b.expiresAt().toEpochMilli() - now.toEpochMilli()).max().orElse(0);
    }

    private String refusal(SIPRequest request, Flow flow, Refused refused) {
        if (refused.failure == null) {
            challenged.increment();
            RegisterAnswer challenge = new RegisterAnswer(request, 401, "Unauthorized");
            refused.challenges.forEach(value -> challenge.header("WWW-Authenticate", value));
            return challenge.text();
        }
        RegisterFailure failure = refused.failure;
        String aor = request.getTo().getAddress().getURI().toString();
        String source = flow.remote().getAddress().getHostAddress() + ":" + flow.remote().getPort();
        // A few lines a minute per source, then a count: refusals cost their sender nothing.
        if (refusalLog.allow(flow.remote().getAddress())) {
            LOG.info("register refused aor={} source={} reason={} detail={}", LogText.of(aor), source,
                    failure.code(), LogText.of(refused.detail));
        }
        refusals.record(failure, new Refusal(aor, source, failure, refused.detail));
        String[] headers = switch (failure) {
            case INTERVAL_TOO_BRIEF -> new String[] {"Min-Expires: " + settings.minExpires()};
            case UNSUPPORTED_EXTENSION -> new String[] {"Unsupported: " + refused.detail};
            case STORE_UNAVAILABLE -> new String[] {"Retry-After: " + StoreUnavailableException.RETRY_SECONDS};
            // The rate is counted in one-second windows: the next one is at most a second away.
            case TOO_FREQUENT -> new String[] {"Retry-After: 1"};
            default -> new String[0];
        };
        // A REGISTER refusal's Warning carries the code alone; its detail is in the log line above.
        return RefusalAnswer.to(request, failure, null, headers).encode();
    }

    /** A REGISTER that ends in something other than 200; a null failure means "challenge". */
    private static final class Refused extends Exception {
        final RegisterFailure failure;
        final String detail;
        final List<String> challenges;

        Refused(RegisterFailure failure, String detail, List<String> challenges) {
            super(detail, null, false, false);
            this.failure = failure;
            this.detail = detail;
            this.challenges = challenges;
        }
    }

    /** The bindings an AOR has now, for tests and the admin API. */
    public List<Binding> bindings(String aor) {
        return location.bindings(aor);
    }

}
