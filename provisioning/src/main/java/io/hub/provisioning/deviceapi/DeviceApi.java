package io.hub.provisioning.deviceapi;

import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.DeviceEndpointSettings;
import io.hub.pki.DeviceCertificateValidator;
import io.hub.profiles.ConfigRenderer;
import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.devices.KeptDevices;
import io.hub.provisioning.devices.SeenCertificates;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.ErrorBody;
import io.hub.provisioning.http.IoThreadAnswers;
import io.hub.provisioning.http.RateLimiter;
import io.hub.provisioning.http.RateLimits;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.RefusalReplies;
import io.hub.provisioning.http.RefusingHandler;
import io.hub.provisioning.http.SourceKey;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The device side of provisioning (mutual TLS): discovery, configuration, firmware and status, one
 * route each ({@link DiscoveryRoute}, {@link ConfigRoute}, {@link FirmwareRoute}, {@link StatusRoute})
 * mapped by Jetty's {@link PathMappingsHandler}.
 *
 * <p>Every request is authenticated the same way before anything else ({@link DeviceAuthenticator}).
 * A refusal is answered by {@link RefusalReplies} with its status and reason code ({@code X-Hub-Reason}
 * header and an {@code <error reason="…">} body), audited with MAC, fingerprint and source address,
 * and never followed by a byte of configuration. Requests and refusals are rate limited per source
 * address, and refusals per certificate, against MAC probing: every audited refusal spends the
 * address's refusal budget, and a source without budget left is answered 429 before anything else.
 */
public final class DeviceApi extends Handler.Wrapper {

    static final String XML = "application/xml; charset=utf-8";

    /** The device side's error body, {@code <error reason="…">message</error>}. */
    private static final ErrorBody XML_ERROR = new ErrorBody() {
        @Override
        public String contentType() {
            return XML;
        }

        @Override
        public byte[] of(Refusal refusal, String message) {
            return XmlDocuments.error(refusal.code(), message);
        }
    };

    public DeviceApi(DeviceCertificateValidator validator, Database database, AuditLog audit, ConfigRenderer renderer,
            FirmwareStore firmware, SettingLayers layers, DeviceEndpointSettings settings, Limits limits, Clock clock,
            MeterRegistry metrics, DhcpAlerts dhcpAlerts, DeviceRepository devices, CertificateBindings bindings,
            PhoneCatalogue catalogue, Tenants tenants, ConfigChanges changes, SeenCertificates seen,
            KeptDevices keptDevices) {
        limits.measured(metrics);
        DeviceAuthenticator authenticator = new DeviceAuthenticator(validator, database, devices, bindings, catalogue,
                limits.refusalsPerCertificate(), clock, metrics, keptDevices);
        DeviceRoute.Desk desk = new DeviceRoute.Desk(authenticator, new DeviceUrls(settings),
                new DeviceContacts(database, devices, clock), metrics);
        PathMappingsHandler routes = new PathMappingsHandler();
        routes.addMapping(new ServletPathSpec(DiscoveryRoute.PATH), new DiscoveryRoute(desk, settings.sipTlsPort(),
                firmware, audit, changes, clock));
        ConfigRoute config = new ConfigRoute(desk, settings, database, layers, firmware, renderer, tenants, seen,
                changes, clock);
        routes.addMapping(new UriTemplatePathSpec(ConfigRoute.PATH), config);
        routes.addMapping(new UriTemplatePathSpec(FirmwareRoute.PATH), new FirmwareRoute(desk, firmware));
        routes.addMapping(new UriTemplatePathSpec(StatusRoute.PATH), new StatusRoute(desk, dhcpAlerts, audit, clock));
        RefusalReplies replies = new RefusalReplies("device", XML_ERROR, audit, metrics, DeviceRoute.REQUESTS,
                sourceIp -> limits.refusalsPerAddress().acquire(SourceKey.ofLiteral(sourceIp)));
        // A kept-alive phone fetching a configuration that did not change is answered from memory on
        // the thread that read its request; everything else (first fetches, firmware, status) goes to the pool.
        setHandler(new IoThreadAnswers("device", config::answerableFromMemory, metrics,
                new RefusingHandler(replies, "device", true, new SourceLimits(limits, new FoundInMemory(config, routes)))));
    }

    /** The rate limits of the device side. */
    public record Limits(RateLimiter requestsPerAddress, RateLimiter refusalsPerAddress,
            RateLimiter refusalsPerCertificate) {

        /**
         * {@code requestsPerSecond} per source address with bursts of 2.5 times that (a boot storm
         * behind one NAT), tight for refusals (probing).
         */
        public static Limits of(int requestsPerSecond, Clock clock) {
            return new Limits(new RateLimiter(requestsPerSecond * 2.5, requestsPerSecond, clock),
                    new RateLimiter(30, 0.5, clock), new RateLimiter(10, 0.1, clock));
        }

        /** Publishes each limit's table (RateLimiter#measured), on the device port. */
        void measured(MeterRegistry metrics) {
            requestsPerAddress.measured(metrics, "device", "requests-per-source");
            refusalsPerAddress.measured(metrics, "device", "refusals-per-source");
            refusalsPerCertificate.measured(metrics, "device", "refusals-per-certificate");
        }
    }

    /**
     * Hands a request whose configuration {@link ConfigRoute#answerableFromMemory} found straight to the
     * configuration route: its path was read and checked then, so the routes' template match (a regular
     * expression on every kept-alive fetch) would only find the same route again.
     */
    private static final class FoundInMemory extends Handler.Wrapper {
        private final ConfigRoute config;

        FoundInMemory(ConfigRoute config, Handler routes) {
            super(routes);
            this.config = config;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            return config.foundInMemory(request) ? config.handle(request, response, callback)
                    : super.handle(request, response, callback);
        }
    }

    /**
     * Spends a request token of the source and checks, without spending one, that it has refusal
     * budget left (refusals spend it, through {@link RefusalReplies}); 429 otherwise.
     */
    private static final class SourceLimits extends Handler.Wrapper {
        private final Limits limits;

        SourceLimits(Limits limits, Handler routes) {
            super(routes);
            this.limits = limits;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String source = SourceKey.of(request);
            RateLimits.acquire(limits.requestsPerAddress(), source);
            RateLimits.peek(limits.refusalsPerAddress(), source);
            return super.handle(request, response, callback);
        }
    }
}
