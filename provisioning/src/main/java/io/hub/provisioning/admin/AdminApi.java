package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.alerts.DhcpAlert;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.devices.CertificateBinding;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceContact;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.ImportReport;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.ErrorBody;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.RefusalReplies;
import io.hub.provisioning.http.RefusingHandler;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.StorageException;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;

/**
 * The admin API (JSON over HTTPS, bearer token of a tenant): devices, bulk import, claimable
 * devices, firmware, DHCP alerts, the audit log, metrics and health. Every refusal is a status with a JSON body
 * {@code {"error": "<reason>", "message": "…"}}.
 */
public final class AdminApi extends Handler.Wrapper {

    private static final Pattern DEVICE = Pattern.compile("/admin/v1/devices/([^/]+)");
    private static final Pattern DEVICE_CERTIFICATE = Pattern.compile("/admin/v1/devices/([^/]+)/certificate");
    private static final Pattern DEVICE_PASSWORD = Pattern.compile("/admin/v1/devices/([^/]+)/sip-password");
    private static final Pattern FIRMWARE = Pattern.compile("/admin/v1/firmware/([^/]+)/([^/]+)");
    private static final Pattern SITE = Pattern.compile("/admin/v1/sites/([^/]+)");
    /** The admin side's refusal counter, tagged {@code action} and {@code outcome} (the reason code). */
    static final String REFUSALS = "hub.admin.refusals";
    private static final int MAX_JSON_BYTES = 64 * 1024;
    private static final int MAX_CSV_BYTES = 16 * 1024 * 1024;
    private static final Set<String> DEVICE_FIELDS = Set.of("mac", "model", "extension", "displayName", "site",
            "region", "state", "settings", "certificateSha256");

    private final Tenants tenants;
    private final Enrollment enrollment;
    private final FirmwareStore firmware;
    private final SettingLayers layers;
    private final AuditLog audit;
    private final Database database;
    private final PrometheusMeterRegistry metrics;
    private final DhcpAlerts dhcpAlerts;
    private final LiveViews liveViews;
    private final OperatorActions actions;
    private final ClaimableRepository claimable = new ClaimableRepository();
    private final CertificateBindings bindings;
    private final TenantAdmin tenantAdmin;
    private final ResyncAdmin resyncAdmin;
    private final FleetAdmin fleetAdmin;

    public AdminApi(Tenants tenants, Enrollment enrollment, FirmwareStore firmware, SettingLayers layers,
            AuditLog audit, Database database, PrometheusMeterRegistry metrics, DhcpAlerts dhcpAlerts,
            LiveViews liveViews, OperatorActions actions, CertificateBindings bindings, ResyncAdmin resyncAdmin) {
        this.resyncAdmin = resyncAdmin;
        this.bindings = bindings;
        this.tenants = tenants;
        this.enrollment = enrollment;
        this.firmware = firmware;
        this.layers = layers;
        this.audit = audit;
        this.database = database;
        this.metrics = metrics;
        this.dhcpAlerts = dhcpAlerts;
        this.liveViews = liveViews;
        this.actions = actions;
        this.tenantAdmin = new TenantAdmin(tenants, audit);
        this.fleetAdmin = new FleetAdmin(database, firmware, liveViews);
        RefusalReplies replies = new RefusalReplies("admin", ErrorBody.JSON, audit, metrics, REFUSALS, sourceIp -> {
        });
        setHandler(new RefusingHandler(replies, "admin", false, new Routes()));
    }

    /** Health and the console need no token; everything else is the token's tenant's. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (path.equals("/healthz") && method.equals("GET")) {
                health(response, callback);
                return true;
            }
            if (method.equals("GET") && Console.serves(path)) {
                // The page holds no data; everything it shows comes through the API with the token.
                Console.serve(path, response, callback);
                return true;
            }
            String tenant = authenticate(request);
            String actor = "admin:" + tenant;
            RequestFacts.of(request).actor(actor).action("request");
            route(request, response, callback, path, method, tenant, actor, Responses.sourceIp(request));
            return true;
        }
    }

    private void route(Request request, Response response, Callback callback, String path, String method,
            String tenant, String actor, String sourceIp) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        Matcher matcher;
        switch (method + " " + path) {
            case "GET /metrics" -> {
                // Hub-wide figures (every tenant's phones, calls and refusals): the operator's.
                requireOperator(tenant, "/metrics");
                Responses.send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape().getBytes(StandardCharsets.UTF_8));
            }
            case "POST /admin/v1/devices" -> {
                Device device = enrollment.enroll(tenant, draft(jsonBody(request)), actor, sourceIp);
                Responses.json(response, callback, 201, deviceJson(device, List.of()));
            }
            case "GET /admin/v1/devices" -> {
                int page = number(query, "page", 0, 0, Integer.MAX_VALUE);
                int size = number(query, "size", 100, 1, 1000);
                List<Map<String, Object>> devices = enrollment.list(tenant, query.getValue("state"),
                        query.getValue("site"), query.getValue("model"), page, size).stream()
                        .map(device -> deviceJson(device, List.of())).toList();
                Responses.json(response, callback, 200, Map.of("page", page, "size", size, "devices", devices));
            }
            case "GET /admin/v1/devices/claimable" -> {
                // Unenrolled phones belong to no tenant yet: only the operator sees where they boot.
                requireOperator(tenant, "the claimable list");
                Responses.json(response, callback, 200, Map.of("devices", database.transaction(claimable::list)));
            }
            case "POST /admin/v1/devices/import" -> importDevices(request, response, callback, query, tenant, actor,
                    sourceIp);
            case "GET /admin/v1/firmware" -> Responses.json(response, callback, 200,
                    Map.of("images", firmware.list(tenant).stream().map(image -> firmwareJson(tenant, image))
                            .toList()));
            case "POST /admin/v1/firmware" -> upload(request, response, callback, query, tenant, actor, sourceIp);
            case "PUT /admin/v1/firmware/target" -> {
                JsonNode body = jsonBody(request);
                FirmwareImage image = firmware.setTarget(tenant, text(body, "model"), text(body, "version"));
                audit.record(actor, sourceIp, "firmware-target", AuditEvent.OK, null, null, null,
                        image.model() + " " + image.version());
                resyncAdmin.targetChanged(tenant, image.model());
                Responses.json(response, callback, 200, firmwareJson(tenant, image));
            }
            case "GET /admin/v1/alerts" -> Responses.json(response, callback, 200, Map.of("alerts",
                    dhcpAlerts.list(tenant).stream().map(AdminApi::alertJson).toList()));
            case "GET /admin/v1/audit" -> Responses.json(response, callback, 200, Map.of("events",
                    audit.recent(isOperator(tenant) ? null : tenant, Optional.ofNullable(query.getValue("mac"))
                            .map(this::mac).map(MacAddress::value).orElse(null),
                            number(query, "limit", 100, 1, 10_000))));
            default -> {
                if (tenantAdmin.route(request, response, callback, path, method, tenant, actor, sourceIp)
                        || resyncAdmin.route(response, callback, path, method, tenant, actor, sourceIp)
                        || fleetAdmin.route(query, response, callback, path, method, tenant)) {
                    return;
                }
                if ((matcher = SITE.matcher(path)).matches()) {
                    site(request, response, callback, method, URIUtil.decodePath(matcher.group(1)), tenant, actor,
                            sourceIp);
                } else if ((matcher = DEVICE_CERTIFICATE.matcher(path)).matches()) {
                    certificate(request, response, callback, method, mac(URIUtil.decodePath(matcher.group(1))),
                            tenant, actor, sourceIp);
                } else if ((matcher = DEVICE_PASSWORD.matcher(path)).matches()) {
                    if (!method.equals("POST")) {
                        throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
                    }
                    // The password itself is never answered: the phone fetches it with its certificate.
                    Device device = enrollment.rotateSipPassword(tenant, mac(URIUtil.decodePath(matcher.group(1))),
                            actor, sourceIp);
                    Responses.json(response, callback, 200, deviceJson(device, List.of()));
                } else if ((matcher = DEVICE.matcher(path)).matches()) {
                    device(request, response, callback, method, mac(URIUtil.decodePath(matcher.group(1))), tenant,
                            actor, sourceIp);
                } else if ((matcher = FIRMWARE.matcher(path)).matches() && method.equals("DELETE")) {
                    String model = URIUtil.decodePath(matcher.group(1));
                    String version = URIUtil.decodePath(matcher.group(2));
                    firmware.delete(tenant, model, version);
                    audit.record(actor, sourceIp, "firmware-delete", AuditEvent.OK, null, null, null,
                            model + " " + version);
                    Responses.empty(response, callback, 204);
                } else if (method.equals("POST") && path.startsWith("/admin/v1/")
                        && actions.find(path.substring("/admin/v1/".length())).isPresent()) {
                    operatorAction(request, response, callback, path.substring("/admin/v1/".length()), tenant, actor,
                            sourceIp);
                } else if (method.equals("GET") && path.startsWith("/admin/v1/")
                        && liveViews.answer(path.substring("/admin/v1/".length()), tenant).isPresent()) {
                    Responses.json(response, callback, 200,
                            liveViews.answer(path.substring("/admin/v1/".length()), tenant).orElseThrow());
                } else {
                    throw new ProvisioningException(Refusal.NO_SUCH_RESOURCE, "no " + method + " " + path);
                }
            }
        }
    }

    /** A published {@link OperatorActions} action: the operator's only, audited under its name. */
    private void operatorAction(Request request, Response response, Callback callback, String name, String tenant,
            String actor, String sourceIp) throws IOException {
        RequestFacts facts = RequestFacts.of(request).audited(name);
        requireOperator(tenant, name);
        JsonNode body = jsonBody(request);
        Object answer = actions.find(name).orElseThrow().apply(body);
        facts.action("request");
        audit.record(actor, sourceIp, name, AuditEvent.OK, null, null, null, body.toString());
        Responses.json(response, callback, 200, answer);
    }

    private void device(Request request, Response response, Callback callback, String method, MacAddress mac,
            String tenant, String actor, String sourceIp) throws IOException {
        switch (method) {
            case "GET" -> {
                Device device = enrollment.find(tenant, mac);
                Map<String, Object> json = deviceJson(device, enrollment.contacts(mac, 20));
                json.put("settings", layers.device(mac));
                json.put("resync", resyncAdmin.lastJson(tenant, mac));
                Responses.json(response, callback, 200, json);
            }
            case "PATCH" -> {
                JsonNode body = jsonBody(request);
                if (body.has("mac") && !mac(text(body, "mac")).equals(mac)) {
                    throw new ProvisioningException(Refusal.INVALID_DEVICE, "the MAC of a device cannot change");
                }
                Device device = enrollment.update(tenant, mac, draft(body), actor, sourceIp);
                Responses.json(response, callback, 200, deviceJson(device, List.of()));
            }
            case "DELETE" -> {
                enrollment.remove(tenant, mac, actor, sourceIp);
                Responses.empty(response, callback, 204);
            }
            default -> throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
        }
    }

    /** Binds (POST {"fingerprint"}) or unbinds (DELETE) the certificate a phone is served to. */
    private void certificate(Request request, Response response, Callback callback, String method, MacAddress mac,
            String tenant, String actor, String sourceIp) throws IOException {
        switch (method) {
            case "POST" -> {
                JsonNode body = jsonBody(request);
                String fingerprint = text(body, "fingerprint");
                if (fingerprint == null) {
                    throw new ProvisioningException(Refusal.INVALID_FINGERPRINT, "send {\"fingerprint\": \"<SHA-256 "
                            + "of the certificate, hex>\"}: the pending one to approve it, or one you verified");
                }
                Device device = bindings.bind(tenant, mac, fingerprint, actor, sourceIp);
                Responses.json(response, callback, 200, deviceJson(device, List.of()));
            }
            case "DELETE" -> {
                bindings.unbind(tenant, mac, actor, sourceIp);
                Responses.empty(response, callback, 204);
            }
            default -> throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
        }
    }

    private void site(Request request, Response response, Callback callback, String method, String site,
            String tenant, String actor, String sourceIp) throws IOException {
        switch (method) {
            case "GET" -> Responses.json(response, callback, 200, Map.of("site", site, "settings",
                    layers.site(tenant, site)));
            case "PUT" -> {
                JsonNode body = jsonBody(request);
                Map<String, String> settings = settings(body.get("settings"));
                if (settings == null) {
                    throw new ProvisioningException(Refusal.INVALID_SETTING,
                            "send {\"settings\": {\"key\": \"value\"}}");
                }
                Map<String, String> replaced = layers.replaceSite(tenant, site, settings, actor, sourceIp);
                resyncAdmin.siteChanged(tenant, site);
                Responses.json(response, callback, 200, Map.of("site", site, "settings", replaced));
            }
            default -> throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
        }
    }

    /** A JSON object of string values as a settings layer; null when absent. */
    private static Map<String, String> settings(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, "settings must be an object of key to value");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw new ProvisioningException(Refusal.INVALID_SETTING,
                        entry.getKey() + " must be a string or number");
            }
            settings.put(entry.getKey(), entry.getValue().asText());
        }
        return settings;
    }

    private void importDevices(Request request, Response response, Callback callback, Fields query, String tenant,
            String actor, String sourceIp) throws IOException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/csv")) {
            throw new ProvisioningException(Refusal.UNSUPPORTED_MEDIA_TYPE, "send the CSV as text/csv");
        }
        byte[] csv;
        try {
            csv = Responses.body(request, MAX_CSV_BYTES);
        } catch (Responses.BodyTooLargeException e) {
            throw new ProvisioningException(Refusal.TOO_LARGE, e.getMessage());
        }
        boolean dryRun = "true".equalsIgnoreCase(query.getValue("dryRun"));
        ImportReport report = enrollment.importCsv(tenant, csv, dryRun, actor, sourceIp);
        Responses.json(response, callback, report.errors().isEmpty() ? 200 : 422, report);
    }

    private void upload(Request request, Response response, Callback callback, Fields query, String tenant,
            String actor, String sourceIp) throws IOException {
        String model = query.getValue("model");
        String version = query.getValue("version");
        RequestFacts.of(request).audited("firmware-upload").subject(model + " " + version);
        try (InputStream body = Content.Source.asInputStream(request)) {
            FirmwareImage image = firmware.upload(tenant, model, version, body, request.getLength());
            audit.record(actor, sourceIp, "firmware-upload", AuditEvent.OK, null, null, null,
                    image.model() + " " + image.version() + " sha256=" + image.sha256());
            Responses.json(response, callback, 201, firmwareJson(tenant, image));
        }
    }

    private void health(Response response, Callback callback) {
        try {
            database.transaction(connection -> connection.isValid(2));
            Responses.json(response, callback, 200, Map.of("status", "ok"));
        } catch (StorageException e) {
            Responses.json(response, callback, 503, Map.of("status", "database unavailable"));
        }
    }

    private String authenticate(Request request) {
        RequestFacts.of(request).audited("authenticate");
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        Optional<String> tenant = tenants.byToken(token);
        if (tenant.isEmpty()) {
            throw new ProvisioningException(token == null ? Refusal.NO_TOKEN : Refusal.BAD_TOKEN,
                    "send Authorization: Bearer <the token in var/admin-token>", request.getMethod() + " "
                            + Request.getPathInContext(request), null);
        }
        return tenant.get();
    }

    /** True for the default tenant, whose token is the operator's ({@code var/admin-token}). */
    static boolean isOperator(String tenant) {
        return Tenants.DEFAULT.equals(tenant);
    }

    /** 403 {@code operator-only} unless the caller is the operator. */
    static void requireOperator(String tenant, String what) {
        if (!isOperator(tenant)) {
            throw new ProvisioningException(Refusal.OPERATOR_ONLY, what + " is for the operator (the token in "
                    + "var/admin-token) only");
        }
    }

    static JsonNode jsonBody(Request request) throws IOException {
        byte[] body;
        try {
            body = Responses.body(request, MAX_JSON_BYTES);
        } catch (Responses.BodyTooLargeException e) {
            throw new ProvisioningException(Refusal.TOO_LARGE, e.getMessage());
        }
        try {
            JsonNode node = Responses.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ProvisioningException(Refusal.INVALID_JSON, "the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ProvisioningException(Refusal.INVALID_JSON, "the body is not JSON: "
                    + e.getOriginalMessage());
        }
    }

    private static DeviceDraft draft(JsonNode body) {
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!DEVICE_FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_DEVICE, "unknown field(s) " + unknown + "; expected "
                    + "mac, model, extension, displayName, site, region, state, settings, certificateSha256");
        }
        return new DeviceDraft(text(body, "mac"), text(body, "model"), text(body, "extension"),
                text(body, "displayName"), text(body, "site"), text(body, "region"), text(body, "state"),
                settings(body.get("settings")), text(body, "certificateSha256"));
    }

    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ProvisioningException(Refusal.INVALID_JSON, field + " must be a string");
        }
        return value.asText();
    }

    private MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(Refusal.MALFORMED_MAC, e.getMessage());
        }
    }

    private static int number(Fields query, String name, int fallback, int min, int max) {
        String value = query.getValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new ProvisioningException(Refusal.INVALID_QUERY, name + " must be a number from " + min + " to " + max);
    }

    private static Map<String, Object> deviceJson(Device device, List<DeviceContact> history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mac", device.mac().value());
        json.put("model", device.model());
        json.put("extension", device.extension());
        json.put("displayName", device.displayName());
        json.put("site", device.site());
        json.put("region", device.region());
        json.put("state", device.state().code());
        json.put("assigned", device.isAssigned());
        json.put("createdAt", device.createdAt());
        json.put("updatedAt", device.updatedAt());
        CertificateBinding certificate = device.certificate();
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("bound", certificate.bound());
        binding.put("pending", certificate.pending());
        binding.put("pendingSince", certificate.pendingSince());
        binding.put("pendingSourceIp", certificate.pendingSourceIp());
        json.put("certificate", binding);
        if (!history.isEmpty()) {
            json.put("lastContact", history.get(0));
            json.put("history", history);
        }
        return json;
    }

    private static Map<String, Object> alertJson(DhcpAlert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summary", alert.summary());
        json.put("site", alert.site());
        json.put("kind", alert.kind());
        json.put("severity", alert.severity());
        json.put("option", alert.option());
        json.put("value", alert.value());
        json.put("decoded", alert.decoded());
        json.put("location", alert.location());
        json.put("why", alert.why());
        json.put("fix", alert.fix());
        json.put("count", alert.phones().size());
        json.put("phones", alert.phones());
        json.put("firstSeen", alert.firstSeen());
        json.put("lastSeen", alert.lastSeen());
        return json;
    }

    private Map<String, Object> firmwareJson(String tenant, FirmwareImage image) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", image.model());
        json.put("version", image.version());
        json.put("size", image.size());
        json.put("sha256", image.sha256());
        json.put("uploadedAt", image.uploadedAt());
        json.put("target", firmware.target(tenant, image.model()).map(t -> t.version().equals(image.version()))
                .orElse(false));
        return json;
    }
}
