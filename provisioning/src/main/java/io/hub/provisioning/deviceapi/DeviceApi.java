package io.hub.provisioning.deviceapi;

import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.DeviceIdentity;
import io.hub.pki.DeviceValidation;
import io.hub.pki.MacAddress;
import io.hub.pki.RefusalCause;
import io.hub.pki.TrustLevel;
import io.hub.profiles.ConfigRenderer;
import io.hub.profiles.ConfigRequest;
import io.hub.profiles.PhoneCatalogue;
import io.hub.profiles.PhoneModel;
import io.hub.profiles.RenderedConfig;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.dhcp.DiscoveryUrl;
import io.hub.dhcp.Finding;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.devices.SeenCertificates;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceContact;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.devices.DeviceState;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.RateLimiter;
import io.hub.provisioning.http.SourceKey;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;

/**
 * The device side of provisioning (mutual TLS): discovery, configuration, firmware and status.
 *
 * <p>Every request is authenticated the same way before anything else: the phone's certificate
 * chain goes to the PKI's validator with the MAC the path names; a refusal is answered with its
 * status and reason code ({@code X-Hub-Reason} header and an {@code <error reason="…">} body),
 * audited with MAC, fingerprint and source address, and never followed by a byte of configuration.
 * Refusals are rate limited per source address and per certificate against MAC probing.
 *
 * <p>A valid certificate then has to fit the enrolled device: its model (subject OU), when it names
 * one, must be the enrolled model ({@code wrong-model}), and the device's certificate binding must
 * let it through ({@link CertificateBindings}: a generic CA's certificate never selects a device by
 * the URL alone).
 */
public final class DeviceApi extends Handler.Abstract {

    private static final Pattern CONFIG = Pattern.compile("/prov/v1/config/([^/]+)\\.xml");
    private static final Pattern FIRMWARE = Pattern.compile("/prov/v1/firmware/([^/]+)/([^/]+)");
    private static final Pattern STATUS = Pattern.compile("/prov/v1/status/([^/]+)");
    private static final String XML = "application/xml; charset=utf-8";
    private static final int MAX_STATUS_BYTES = 16 * 1024;
    /** How long a TLS session's accepted certificate is trusted without judging it again. */
    static final Duration VALIDATION_REUSE = Duration.ofSeconds(10);
    /** A repeated discovery, configuration or firmware fetch is written to the history at most this often. */
    static final Duration CONTACT_EVERY = Duration.ofSeconds(60);
    /**
     * A phone's status reports are stored at most {@link #STATUS_BURST} at once, then one in this
     * time; the rest are answered 202 with {@code X-Hub-Status: not-stored} and cost nothing.
     */
    static final Duration STATUS_EVERY = Duration.ofSeconds(60);
    static final int STATUS_BURST = 5;

    private final DeviceCertificateValidator validator;
    private final Database database;
    private final DeviceRepository devices;
    private final ClaimableRepository claimable;
    private final SeenCertificates seen;
    private final AuditLog audit;
    private final ConfigRenderer renderer;
    private final FirmwareStore firmware;
    private final DeviceEndpointSettings settings;
    private final SettingLayers layers;
    private final Limits limits;
    private final RateLimiter statusReports;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final DhcpAlerts dhcpAlerts;
    private final CertificateBindings bindings;
    private final PhoneCatalogue catalogue;
    private final Tenants tenants;

    public DeviceApi(DeviceCertificateValidator validator, Database database, AuditLog audit, ConfigRenderer renderer,
            FirmwareStore firmware, SettingLayers layers, DeviceEndpointSettings settings, Limits limits, Clock clock,
            MeterRegistry metrics, DhcpAlerts dhcpAlerts, DeviceRepository devices, CertificateBindings bindings,
            PhoneCatalogue catalogue, Tenants tenants) {
        this.layers = layers;
        this.validator = validator;
        this.database = database;
        this.devices = devices;
        this.bindings = bindings;
        this.catalogue = catalogue;
        this.claimable = new ClaimableRepository();
        this.seen = new SeenCertificates(database, clock);
        this.audit = audit;
        this.renderer = renderer;
        this.firmware = firmware;
        this.settings = settings;
        this.limits = limits;
        this.statusReports = new RateLimiter(STATUS_BURST, 1.0 / STATUS_EVERY.toSeconds(), clock);
        this.clock = clock;
        this.metrics = metrics;
        this.dhcpAlerts = dhcpAlerts;
        this.tenants = tenants;
    }

    /** The rate limits of the device side. */
    public record Limits(RateLimiter requestsPerAddress, RateLimiter refusalsPerAddress,
            RateLimiter refusalsPerCertificate) {

        /** Generous for a boot storm behind one NAT, tight for refusals (probing). */
        public static Limits standard(Clock clock) {
            return new Limits(new RateLimiter(500, 200, clock), new RateLimiter(30, 0.5, clock),
                    new RateLimiter(10, 0.1, clock));
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        String sourceIp = Responses.sourceIp(request);
        String source = SourceKey.of(request);
        try {
            limited(limits.requestsPerAddress(), source);
            limited(limits.refusalsPerAddress(), source, true);
            Matcher matcher;
            if (path.equals("/rdd/v1/discovery") && HttpMethod.GET.is(method)) {
                discovery(request, response, callback, sourceIp);
            } else if ((matcher = CONFIG.matcher(path)).matches() && HttpMethod.GET.is(method)) {
                config(request, response, callback, sourceIp, URIUtil.decodePath(matcher.group(1)));
            } else if ((matcher = FIRMWARE.matcher(path)).matches()
                    && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
                firmware(request, response, callback, sourceIp, URIUtil.decodePath(matcher.group(1)),
                        URIUtil.decodePath(matcher.group(2)));
            } else if ((matcher = STATUS.matcher(path)).matches() && HttpMethod.POST.is(method)) {
                status(request, response, callback, sourceIp, URIUtil.decodePath(matcher.group(1)));
            } else {
                throw ProvisioningException.notFound("no-such-resource", "no " + method + " " + path
                        + " on the device side");
            }
        } catch (ProvisioningException refusal) {
            refuse(response, callback, refusal);
        } catch (IOException e) {
            refuse(response, callback, ProvisioningException.badRequest("broken-request", e.getMessage()));
        }
        return true;
    }

    private void discovery(Request request, Response response, Callback callback, String sourceIp) {
        Fields query = Request.extractQueryParameters(request);
        Optional<MacAddress> named = Optional.ofNullable(query.getValue("mac")).map(text -> macOf(text, sourceIp));
        Access access = authenticate(request, sourceIp, "discovery", named, true);
        Device device = access.device();
        String base = baseUrl(request);
        String entryPoint = entryPoint(request, device.region());
        Map<String, Map<String, String>> children = new LinkedHashMap<>();
        Map<String, String> root = XmlDocuments.attributes("mac", device.mac().value(), "model", device.model(),
                "state", device.isAssigned() ? "ready" : "unassigned");
        if (device.isAssigned()) {
            children.put("config", XmlDocuments.attributes("url", configUrl(base, device.mac())));
        } else {
            root.put("message", "the device is enrolled but not assigned to a user; no configuration yet");
        }
        children.put("sip", XmlDocuments.attributes("host", entryPoint, "port", Integer.toString(settings.sipTlsPort().getAsInt()),
                "transport", "tls", "region", device.region()));
        firmware.target(device.tenant(), device.model()).ifPresent(image -> children.put("firmware",
                XmlDocuments.attributes("version", image.version(), "url", firmwareUrl(base, image),
                        "sha256", image.sha256(), "size", Long.toString(image.size()))));
        contact(device.mac(), "discovery", request, sourceIp, null);
        audit.record("device", sourceIp, "discovery", AuditEvent.OK, null, device.mac().value(),
                access.identity().fingerprint(), device.isAssigned() ? "ready" : "unassigned");
        count("discovery", "ok");
        Responses.send(response, callback, 200, XML, XmlDocuments.element("discovery", root, children));
    }

    private void config(Request request, Response response, Callback callback, String sourceIp, String macText) {
        MacAddress mac = macOf(macText, sourceIp);
        Access access = authenticate(request, sourceIp, "config", Optional.of(mac), false);
        Device device = access.device();
        if (!device.isAssigned()) {
            throw refusal(409, "not-assigned", "the device is enrolled but not assigned to a user", "config",
                    sourceIp, mac, access.identity().fingerprint());
        }
        RenderedConfig config = render(request, device);
        // The password goes out with this certificate: a later revocation of it must reach the device.
        seen.record(mac, access.leaf());
        contact(mac, "config", request, sourceIp, null);
        count("config", "ok");
        response.getHeaders().put(HttpHeader.ETAG, config.etag());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
                .anyMatch(tag -> tag.equals(config.etag()) || tag.equals("*"))) {
            Responses.empty(response, callback, 304);
            return;
        }
        // A served configuration is a contact in the status history, not an audit event: the audit
        // log keeps refusals and changes, and one row per fetch would make every fetch a write more.
        Responses.send(response, callback, 200, XML, config.document());
    }

    private void firmware(Request request, Response response, Callback callback, String sourceIp, String modelText,
            String version) throws IOException {
        Access access = authenticate(request, sourceIp, "firmware", Optional.empty(), false);
        Device device = access.device();
        FirmwareImage image = firmware.find(device.tenant(), modelText, version).orElseThrow(() -> refusal(404, "unknown-firmware",
                "no firmware " + version + " for " + modelText, "firmware", sourceIp, device.mac(),
                access.identity().fingerprint()));
        if (!image.model().equals(device.model())) {
            throw refusal(403, "wrong-model", "firmware for " + image.model() + " is not for a " + device.model(),
                    "firmware", sourceIp, device.mac(), access.identity().fingerprint());
        }
        contact(device.mac(), "firmware", request, sourceIp, null);
        count("firmware", "ok");
        FirmwareResponder.respond(request, response, callback, image);
    }

    private void status(Request request, Response response, Callback callback, String sourceIp, String macText)
            throws IOException {
        MacAddress mac = macOf(macText, sourceIp);
        Access access = authenticate(request, sourceIp, "status", Optional.of(mac), false);
        StatusReport report;
        try {
            report = StatusReport.parse(Responses.body(request, MAX_STATUS_BYTES));
        } catch (Responses.BodyTooLargeException e) {
            throw refusal(413, "too-large", e.getMessage(), "status", sourceIp, mac, access.identity().fingerprint());
        } catch (IllegalArgumentException e) {
            throw refusal(400, "invalid-status", e.getMessage(), "status", sourceIp, mac,
                    access.identity().fingerprint());
        }
        if (statusReports.acquire(mac.value()).isPresent()) {
            // Accepted but not stored: a phone reporting more often than once a STATUS_EVERY costs
            // no commit, no audit row and no DHCP judgement; 202 rather than 429, so that a phone
            // does not retry it (the next report in time is stored).
            count("status", "throttled");
            response.getHeaders().put("X-Hub-Status", "not-stored");
            Responses.empty(response, callback, 202);
            return;
        }
        contact(mac, "status", request, sourceIp, report);
        // The phone reached the hub at this very URL (or the configured public host), so a DHCP
        // value naming it leads phones here and any other location leads them away.
        String conflicts = "";
        if (report.dhcpReported()) {
            try {
                List<Finding> found = dhcpAlerts.report(mac, report.dhcpOptions(),
                        DiscoveryUrl.parse(baseUrl(request) + DiscoveryUrl.PATH));
                conflicts = " dhcp-conflicts=" + found.size();
            } catch (IllegalArgumentException e) {
                conflicts = " dhcp-not-judged: " + e.getMessage();
            }
        }
        audit.record("device", sourceIp, "status", AuditEvent.OK, null, mac.value(), access.identity().fingerprint(),
                "firmware=" + report.firmware() + " ip=" + report.ip() + conflicts);
        count("status", "ok");
        Responses.empty(response, callback, 204);
    }

    /**
     * Validates the certificate and finds the enrolled device, or throws the refusal (already
     * audited and counted).
     */
    private Access authenticate(Request request, String sourceIp, String action, Optional<MacAddress> named,
            boolean recordClaimable) {
        EndPoint.SslSessionData tls = request.getConnectionMetaData().getConnection().getEndPoint().getSslSessionData();
        List<java.security.cert.X509Certificate> chain = tls == null || tls.peerCertificates() == null ? List.of()
                : List.of(tls.peerCertificates());
        DeviceValidation validation = validate(tls, chain, named);
        if (named.isEmpty() && validation.refusal().filter(RefusalCause.NO_MAC::equals).isPresent()
                && !validation.fingerprint().isEmpty()) {
            // A generic certificate without a MAC, on a request that names none (firmware, discovery
            // without ?mac=): the device it is bound to, if any, is the one it speaks for.
            String unnamed = validation.fingerprint();
            Optional<MacAddress> bound = database.transaction(connection -> devices.boundTo(connection, unnamed));
            if (bound.isPresent()) {
                named = bound;
                validation = validate(tls, chain, named);
            }
        }
        String fingerprint = validation.fingerprint();
        if (!validation.isAccepted()) {
            String reason = validation.refusal().orElseThrow().code();
            if (!fingerprint.isEmpty()) {
                limited(limits.refusalsPerCertificate(), fingerprint);
            }
            throw refusal(403, reason, validation.refusal().orElseThrow().description(), action, sourceIp,
                    named.orElse(null), fingerprint, validation.detail());
        }
        DeviceIdentity identity = validation.identityOrThrow();
        Optional<Device> device = database.transaction(connection -> devices.find(connection, identity.mac()));
        if (device.isEmpty()) {
            limited(limits.refusalsPerCertificate(), fingerprint);
            if (recordClaimable && identity.trustLevel() == TrustLevel.MAC_ATTESTED) {
                database.transaction(connection -> {
                    claimable.recordSighting(connection, identity.mac(), identity.model().orElse(null), fingerprint,
                            identity.issuer(), sourceIp, clock.instant());
                    return null;
                });
            }
            throw refusal(404, "not-enrolled", "device " + identity.mac() + " is not enrolled", action, sourceIp,
                    identity.mac(), fingerprint, identity.trustLevel() == TrustLevel.VENDOR_ONLY
                            ? "vendor-only certificate; not claimable" : "recorded as claimable");
        }
        if (device.get().state() == DeviceState.DISABLED) {
            throw refusal(403, "disabled", "device " + identity.mac() + " is disabled", action, sourceIp,
                    identity.mac(), fingerprint);
        }
        if (identity.model().isPresent() && !isEnrolledModel(identity.model().get(), device.get())) {
            throw refusal(403, "wrong-model", "the certificate is for a " + identity.model().get() + ", device "
                    + identity.mac() + " is enrolled as a " + device.get().model(), action, sourceIp, identity.mac(),
                    fingerprint);
        }
        CertificateBindings.Judgement judgement = bindings.judge(device.get(), fingerprint,
                identity.trustLevel() == TrustLevel.MAC_ATTESTED, sourceIp);
        if (!judgement.served()) {
            limited(limits.refusalsPerCertificate(), fingerprint);
            throw refusal(403, judgement.verdict().reason(), judgement.verdict().message(), action, sourceIp,
                    identity.mac(), fingerprint, judgement.detail());
        }
        return new Access(identity, device.get(), chain.get(0));
    }

    /** True when the certificate's model (subject OU) names the enrolled model, by its name or an alias. */
    private boolean isEnrolledModel(String certified, Device device) {
        return catalogue.find(certified).map(PhoneModel::name).filter(device.model()::equals).isPresent();
    }

    /**
     * Validates the chain, or reuses this TLS session's verdict for the same MAC: a phone keeps its
     * connection for many requests and its certificate cannot change within it. Only acceptances
     * are kept, and only for {@link #VALIDATION_REUSE}, so a revocation reaches an open connection
     * within seconds; refusals are judged (and audited) every time.
     */
    private DeviceValidation validate(EndPoint.SslSessionData tls, List<java.security.cert.X509Certificate> chain,
            Optional<MacAddress> named) {
        javax.net.ssl.SSLSession session = tls == null ? null : tls.sslSession();
        String key = "io.hub.validation." + named.map(MacAddress::value).orElse("-");
        Instant now = clock.instant();
        if (session != null && session.getValue(key) instanceof KeptValidation kept && kept.until().isAfter(now)) {
            return kept.validation();
        }
        DeviceValidation validation = validator.validate(chain, named);
        if (session != null && validation.isAccepted()) {
            session.putValue(key, new KeptValidation(validation, now.plus(VALIDATION_REUSE)));
        }
        return validation;
    }

    private final java.util.Map<String, Instant> lastContacts = new java.util.concurrent.ConcurrentHashMap<>();

    private record KeptValidation(DeviceValidation validation, Instant until) {
    }

    private record Layers(Map<String, String> site, Map<String, String> device) {
    }

    private RenderedConfig render(Request request, Device device) {
        String entryPoint = entryPoint(request, device.region());
        Map<String, String> global = new HashMap<>(settings.global());
        global.put("sip.registrar.host", entryPoint);
        global.put("sip.registrar.port", Integer.toString(settings.sipTlsPort().getAsInt()));
        global.put("provisioning.url", configUrl(baseUrl(request), device.mac()));
        firmware.target(device.tenant(), device.model()).ifPresent(image -> {
            global.put("firmware.version", image.version());
            global.put("firmware.url", firmwareUrl(baseUrl(request), image));
        });
        Layers stored = database.transaction(connection -> new Layers(layers.site(connection, device.tenant(),
                device.site()), layers.device(connection, device.mac())));
        Map<String, String> site = stored.site();
        Map<String, String> own = new HashMap<>(stored.device());
        // The keepalive interval is the registrar's RFC 5626 Flow-Timer: no site, model or device
        // layer may change it, or the phone's flow would be closed between its pings.
        String keepalive = settings.global().get("sip.keepalive.interval");
        if (keepalive != null) {
            own.put("sip.keepalive.interval", keepalive);
        }
        // The tenant's domain, never the name the phone reached the hub by: phones that used two names
        // of the hub still share one domain and reach each other, and no layer may move a phone out of
        // its tenant's domain, the only one the registrar accepts it in.
        own.put("sip.domain", tenants.domainOf(device.tenant()));
        own.put("sip.account.user", device.extension());
        own.put("sip.account.password", device.sipPassword());
        if (device.displayName() != null) {
            own.put("sip.account.displayName", device.displayName());
        }
        return renderer.render(new ConfigRequest(device.mac().value(), device.model(), global, site, own));
    }

    private void contact(MacAddress mac, String kind, Request request, String sourceIp, StatusReport report) {
        Instant now = clock.instant();
        String key = mac.value() + "/" + kind + "/" + sourceIp;
        Instant previous = report == null ? lastContacts.get(key) : null;
        if (previous != null && previous.plus(CONTACT_EVERY).isAfter(now)) {
            // The same fetch from the same place moments ago is already in the history; a commit
            // per request (H2 syncs each one) would cap the fetch rate at the disk's.
            return;
        }
        if (lastContacts.size() > 100_000) {
            lastContacts.clear();
        }
        lastContacts.put(key, now);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        DeviceContact contact = report == null
                ? new DeviceContact(clock.instant(), kind, sourceIp, userAgent, null, null, null, null, null)
                : new DeviceContact(clock.instant(), kind, sourceIp, userAgent, report.firmware(), report.ip(),
                        report.dhcp43(), report.dhcp66(), report.dhcp67());
        database.transaction(connection -> {
            devices.recordContact(connection, mac, contact);
            return null;
        });
    }

    private MacAddress macOf(String text, String sourceIp) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw refusal(400, "malformed-mac", e.getMessage(), "request", sourceIp, null, null);
        }
    }

    private ProvisioningException refusal(int status, String reason, String message, String action, String sourceIp,
            MacAddress mac, String fingerprint) {
        return refusal(status, reason, message, action, sourceIp, mac, fingerprint, message);
    }

    private ProvisioningException refusal(int status, String reason, String message, String action, String sourceIp,
            MacAddress mac, String fingerprint, String detail) {
        audit.record("device", sourceIp, action, AuditEvent.REFUSED, reason, mac == null ? null : mac.value(),
                fingerprint == null || fingerprint.isEmpty() ? null : fingerprint, detail);
        count(action, reason);
        // Refusals spend the address's refusal budget; the next one over it is answered 429.
        limits.refusalsPerAddress().acquire(SourceKey.ofLiteral(sourceIp));
        return new ProvisioningException(status, reason, message);
    }

    private void limited(RateLimiter limiter, String key) {
        limited(limiter, key, false);
    }

    /** With {@code peek}, only checks that a token is left (refusals spend them, see {@link #refusal}). */
    private void limited(RateLimiter limiter, String key, boolean peek) {
        Optional<Duration> wait = peek ? limiter.peek(key) : limiter.acquire(key);
        if (wait.isPresent()) {
            count("request", "rate-limited");
            throw new RateLimited(wait.get());
        }
    }

    private void refuse(Response response, Callback callback, ProvisioningException refusal) {
        if (refusal instanceof RateLimited limited) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Math.max(1, limited.wait.toSeconds()));
        }
        response.getHeaders().put("X-Hub-Reason", refusal.reason());
        Responses.send(response, callback, refusal.status(), XML,
                XmlDocuments.error(refusal.reason(), refusal.getMessage()));
    }

    private void count(String action, String outcome) {
        io.micrometer.core.instrument.Counter.builder("hub.device.requests")
                .description("phone requests to the device HTTPS, by action and outcome")
                .tags("action", action, "outcome", outcome).register(metrics).increment();
    }

    private String baseUrl(Request request) {
        String host = settings.publicHost() != null ? settings.publicHost() : Request.getServerName(request);
        String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "https://" + literal + ":" + Request.getServerPort(request);
    }

    private String entryPoint(Request request, String region) {
        String host = settings.regionHosts().get(region);
        if (host != null) {
            return host;
        }
        return settings.publicHost() != null ? settings.publicHost() : Request.getServerName(request);
    }

    private static String configUrl(String base, MacAddress mac) {
        return base + "/prov/v1/config/" + mac.value() + ".xml";
    }

    private static String firmwareUrl(String base, FirmwareImage image) {
        return base + "/prov/v1/firmware/" + image.model().replace(" ", "%20") + "/" + image.version();
    }

    private record Access(DeviceIdentity identity, Device device, java.security.cert.X509Certificate leaf) {
    }

    /** 429 with the time to wait. */
    private static final class RateLimited extends ProvisioningException {
        private final transient Duration wait;

        RateLimited(Duration wait) {
            super(429, "rate-limited", "too many requests; retry after " + Math.max(1, wait.toSeconds()) + " s");
            this.wait = wait;
        }
    }
}
