package io.hub.provisioning.deviceapi;

import io.hub.provisioning.DeviceEndpointSettings;
import io.hub.pki.MacAddress;
import io.hub.profiles.ConfigRenderer;
import io.hub.profiles.ConfigRequest;
import io.hub.profiles.RenderedConfig;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.changes.KeptUntilChanged;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.SeenCertificates;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.tenants.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /prov/v1/config/{mac}.xml}: the phone's configuration, rendered from the global, site,
 * model and device layers; {@code ETag}, and 304 on {@code If-None-Match}. A phone with no extension
 * is refused {@code not-assigned}.
 */
final class ConfigRoute extends DeviceRoute {

    private static final String PREFIX = "/prov/v1/config/";
    static final String PATH = PREFIX + "{file}";
    private static final String SUFFIX = ".xml";
    /** The request attribute that holds the configuration {@link #answerableFromMemory} found for it. */
    private static final String KEPT_CONFIG = ConfigRoute.class.getName() + ".keptConfig";

    private final DeviceEndpointSettings settings;
    private final Database database;
    private final SettingLayers layers;
    private final FirmwareStore firmware;
    private final ConfigRenderer renderer;
    private final Tenants tenants;
    private final SeenCertificates seen;
    private final KeptUntilChanged<MacAddress, KeptConfig> rendered;

    /** Rendered configurations kept; past it the least used are evicted (a gauge shows the size). */
    static final int MAX_KEPT_CONFIGS = 100_000;
    /** The gauge of the configurations kept. */
    static final String KEPT_CONFIGS = "hub.device.configs.kept";
    /** Kept at most this long even when no change is heard (a notice another node could not send). */
    static final Duration CONFIG_MAX_AGE = Duration.ofMinutes(10);

    /**
     * A configuration as rendered for {@code device} asked by the name and port in {@code asked}; a
     * phone asking by another name, or a device that changed, is rendered again.
     */
    private record KeptConfig(Device device, String asked, RenderedConfig config) {

        /** Whether this configuration is the one {@code device}, asking by {@code asked}, gets now. */
        boolean fits(Device device, String asked) {
            return this.device.equals(device) && this.asked.equals(asked);
        }
    }

    ConfigRoute(Desk desk, DeviceEndpointSettings settings, Database database, SettingLayers layers,
            FirmwareStore firmware, ConfigRenderer renderer, Tenants tenants, SeenCertificates seen,
            ConfigChanges changes, Clock clock) {
        super("config", Set.of("GET"), desk);
        this.rendered = new KeptUntilChanged<>(changes, KEPT_CONFIGS, "rendered configurations kept in memory, "
                + "dropped by every change to a layer they were rendered from", MAX_KEPT_CONFIGS, CONFIG_MAX_AGE,
                clock, desk.metrics(), (change, kept) -> change.reaches(kept.device().mac().value(),
                        kept.device().tenant(), kept.device().site(), kept.device().model()),
                change -> MacAddress.parse(change.name()));
        this.settings = settings;
        this.database = database;
        this.layers = layers;
        this.firmware = firmware;
        this.renderer = renderer;
        this.tenants = tenants;
        this.seen = seen;
    }

    @Override
    void serve(Request request, Response response, Callback callback) {
        KeptConfig found = request.getAttribute(KEPT_CONFIG) instanceof KeptConfig kept ? kept : null;
        // A request answerableFromMemory found its configuration for has had its path read already.
        MacAddress mac = found != null ? found.device().mac() : macOf(request);
        Access access = authenticator.authenticate(request, Optional.of(mac), false);
        Device device = access.device();
        if (!device.isAssigned()) {
            throw new ProvisioningException(Refusal.NOT_ASSIGNED, "the device is enrolled but not assigned to a user");
        }
        RenderedConfig config;
        if (found != null && found.device().equals(device)) {
            // Found for this very request moments ago, its certificate already on record (answerableFromMemory).
            config = found.config();
        } else {
            // No database read for a phone whose layers did not change since its last fetch: every
            // layer's writer announces its change once committed (ConfigChanges), which drops the entry.
            String asked = asked(request, device);
            config = rendered.get(mac, () -> new KeptConfig(device, asked, render(request, device)),
                    kept -> kept.fits(device, asked)).config();
            // The password goes out with this certificate: a later revocation of it must reach the device,
            // so the certificate is on record before the answer leaves (the contact may follow).
            seen.due(mac, access.leaf()).ifPresent(database::sharedTransaction);
        }
        contacts.record(mac, "config", request, Responses.sourceIp(request), null);
        count("ok");
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
        Responses.send(response, callback, 200, DeviceApi.XML, config.document());
    }

    /** The MAC the path names, {@code {mac}.xml}. */
    private static MacAddress macOf(Request request) {
        String file = PathParameters.of(request, "file");
        if (!file.endsWith(SUFFIX)) {
            throw new ProvisioningException(Refusal.NO_SUCH_RESOURCE, "no " + request.getMethod() + " "
                    + PathParameters.path(request));
        }
        return DeviceAuthenticator.mac(file.substring(0, file.length() - SUFFIX.length()));
    }

    /**
     * True when memory alone answers the request (see {@link io.hub.provisioning.http.IoThreadAnswers}):
     * a GET of a MAC's configuration whose certificate acceptance, device, binding and rendered
     * configuration are kept and still fit, with no certificate sighting due. Only looks: {@link #serve}
     * does the rest, and whatever this does not let through goes to the pool. A path with an escape is
     * left to the pool, which matches it as the route's template does. The access and configuration
     * found are kept on the request, and the answer serves them as found: an entry evicted or dropped
     * by a change in the microseconds between this look and the answer does not send the I/O thread to
     * the database, and the answer is the one the request would have had a moment earlier.
     */
    boolean answerableFromMemory(Request request) {
        String path = Request.getPathInContext(request);
        if (!"GET".equals(request.getMethod()) || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)
                || path.indexOf('%') >= 0) {
            return false;
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        Optional<Access> access = authenticator.keptAccess(request, mac);
        if (access.isEmpty() || !access.get().device().isAssigned()) {
            return false;
        }
        Device device = access.get().device();
        KeptConfig kept = rendered.kept(mac);
        if (kept == null || !kept.fits(device, asked(request, device))
                || seen.due(mac, access.get().leaf()).isPresent()) {
            return false;
        }
        request.setAttribute(KEPT_CONFIG, kept);
        return true;
    }

    /** Whether {@link #answerableFromMemory} found this request's configuration, its path read already. */
    boolean foundInMemory(Request request) {
        return request.getAttribute(KEPT_CONFIG) instanceof KeptConfig;
    }

    /** The names and port the phone asked by, which its kept configuration must have been rendered for. */
    private String asked(Request request, Device device) {
        return urls.base(request) + "\n" + urls.entryPoint(request, device.region()) + "\n"
                + settings.sipTlsPort().getAsInt();
    }

    private record Layers(Map<String, String> site, Map<String, String> device) {
    }

    private RenderedConfig render(Request request, Device device) {
        String base = urls.base(request);
        Map<String, String> global = new HashMap<>(settings.global());
        global.put("sip.registrar.host", urls.entryPoint(request, device.region()));
        global.put("sip.registrar.port", Integer.toString(settings.sipTlsPort().getAsInt()));
        global.put("provisioning.url", DeviceUrls.config(base, device.mac()));
        firmware.target(device.tenant(), device.model()).ifPresent(image -> {
            global.put("firmware.version", image.version());
            global.put("firmware.url", DeviceUrls.firmware(base, image));
        });
        Layers stored = database.transaction(connection -> new Layers(layers.site(connection, device.tenant(),
                device.site()), layers.device(connection, device.mac())));
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
        return renderer.render(new ConfigRequest(device.mac().value(), device.model(), global, stored.site(), own));
    }
}
