package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.tenants.Tenant;
import io.hub.provisioning.tenants.Tenants;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * The operator's management of tenants: {@code POST /admin/v1/tenants} creates one and answers its
 * token (the only time it is shown), {@code GET /admin/v1/tenants} lists them without tokens,
 * {@code POST|DELETE /admin/v1/tenants/{name}/token} rotates or revokes a token, {@code PATCH
 * /admin/v1/tenants/{name}} sets its {@code sipClientCertificate}. Only the default
 * tenant (the operator) may call them; every change and refusal is audited.
 */
final class TenantAdmin {

    private static final Pattern TOKEN = Pattern.compile("/admin/v1/tenants/([^/]+)/token");
    private static final Pattern ONE = Pattern.compile("/admin/v1/tenants/([^/]+)");
    private static final Set<String> FIELDS = Set.of("name", "sipDomain");

    private final Tenants tenants;
    private final AuditLog audit;

    TenantAdmin(Tenants tenants, AuditLog audit) {
        this.tenants = tenants;
        this.audit = audit;
    }

    /** True when {@code path} is a tenant resource (answered here), false when it is not one. */
    boolean route(Request request, Response response, Callback callback, String path, String method, String tenant,
            String actor, String sourceIp) throws IOException {
        Matcher token = TOKEN.matcher(path);
        Matcher one = ONE.matcher(path);
        if (!path.equals("/admin/v1/tenants") && !token.matches() && !one.matches()) {
            return false;
        }
        AdminApi.requireOperator(tenant, "managing tenants");
        if (path.equals("/admin/v1/tenants")) {
            switch (method) {
                case "GET" -> Responses.json(response, callback, 200,
                        Map.of("tenants", tenants.list().stream().map(TenantAdmin::json).toList()));
                case "POST" -> create(request, response, callback, actor, sourceIp);
                default -> throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
            }
            return true;
        }
        if (one.matches()) {
            if (!"PATCH".equals(method)) {
                throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
            }
            patch(request, response, callback, URIUtil.decodePath(one.group(1)), actor, sourceIp);
            return true;
        }
        String name = URIUtil.decodePath(token.group(1));
        switch (method) {
            case "POST" -> {
                String rotated = changed(request, actor, sourceIp, "tenant-token-rotate", name,
                        () -> tenants.rotateToken(name));
                Responses.json(response, callback, 200, Map.of("name", name, "token", rotated));
            }
            case "DELETE" -> {
                changed(request, actor, sourceIp, "tenant-token-revoke", name, () -> {
                    tenants.revokeToken(name);
                    return null;
                });
                Responses.empty(response, callback, 204);
            }
            default -> throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, method + " is not allowed here");
        }
        return true;
    }

    private void create(Request request, Response response, Callback callback, String actor, String sourceIp)
            throws IOException {
        JsonNode body = AdminApi.jsonBody(request);
        List<String> unknown = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                unknown.add(field);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_TENANT, "unknown field(s) " + unknown
                    + "; expected name, sipDomain");
        }
        String name = AdminApi.text(body, "name");
        String domain = AdminApi.text(body, "sipDomain");
        // The audit row is written in the tenant's own transaction: no tenant without it after a kill -9.
        RequestFacts facts = RequestFacts.of(request).audited("tenant-create");
        Tenants.Created created = tenants.create(name, domain, (connection, tenant) -> audit.record(connection,
                actor, sourceIp, "tenant-create", AuditEvent.OK, null, null, null, "tenant=" + tenant.name()));
        facts.action("request");
        Map<String, Object> json = json(created.tenant());
        json.put("token", created.token());
        Responses.json(response, callback, 201, json);
    }

    /**
     * {@code PATCH /admin/v1/tenants/{name}} {@code {"sipClientCertificate": "required"|"wanted"|null}}:
     * the tenant's own setting, null to follow the hub's again. Answers the tenant as listed.
     */
    private void patch(Request request, Response response, Callback callback, String name, String actor,
            String sourceIp) throws IOException {
        JsonNode body = AdminApi.jsonBody(request);
        List<String> fields = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(List.of("sipClientCertificate"))) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, "expected exactly the field sipClientCertificate, "
                    + "got " + fields);
        }
        JsonNode value = body.get("sipClientCertificate");
        if (!value.isNull() && !value.isTextual()) {
            throw new ProvisioningException(Refusal.INVALID_SETTING,
                    "sipClientCertificate must be \"wanted\", \"required\" or null");
        }
        String policy = value.isNull() ? null : value.asText();
        changed(request, actor, sourceIp, "tenant-sip-client-certificate", name, () -> {
            tenants.sipClientCertificate(name, policy);
            return null;
        });
        Tenant tenant = tenants.list().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        Responses.json(response, callback, 200, json(tenant));
    }

    /** Runs the change and audits it; its refusal is audited by the request's {@link RequestFacts}. */
    private <T> T changed(Request request, String actor, String sourceIp, String action, String name,
            java.util.function.Supplier<T> change) {
        RequestFacts facts = RequestFacts.of(request).audited(action);
        T result = change.get();
        facts.action("request");
        audit.record(actor, sourceIp, action, AuditEvent.OK, null, null, null, "tenant=" + name);
        return result;
    }

    private static Map<String, Object> json(Tenant tenant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", tenant.name());
        json.put("sipDomain", tenant.sipDomain());
        json.put("operator", Tenants.DEFAULT.equals(tenant.name()));
        json.put("tokenState", tenant.hasToken() ? "active" : "revoked");
        json.put("createdAt", tenant.createdAt());
        json.put("sipClientCertificate", tenant.sipClientCertificate());
        return json;
    }
}
