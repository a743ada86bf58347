package io.hub.provisioning.admin;

import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.tenants.Tenant;
import io.hub.provisioning.tenants.Tenants;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;

/**
 * The operator's management of tenants, shared by its routes: {@code POST /admin/v1/tenants}
 * creates one and answers its token (the only time it is shown), {@code GET /admin/v1/tenants} lists
 * them without tokens ({@link TenantsRoute}), {@code POST|DELETE /admin/v1/tenants/{name}/token}
 * rotates or revokes a token ({@link TenantTokenRoute}), {@code PATCH /admin/v1/tenants/{name}} sets
 * its {@code sipClientCertificate} ({@link TenantRoute}). Only the default tenant (the operator) may
 * call them; every change and refusal is audited.
 */
final class TenantAdmin {

    final Tenants tenants;
    private final AuditLog audit;

    TenantAdmin(Tenants tenants, AuditLog audit) {
        this.tenants = tenants;
        this.audit = audit;
    }

    /** Runs the change and audits it; its refusal is audited by the request's {@link RequestFacts}. */
    <T> T changed(Request request, AdminCall call, String action, String name, Supplier<T> change) {
        RequestFacts facts = RequestFacts.of(request).audited(action);
        T result = change.get();
        facts.action("request");
        audit.record(call.actor(), call.sourceIp(), action, AuditEvent.OK, null, null, null, "tenant=" + name);
        return result;
    }

    /**
     * Creates a tenant with its audit row in the tenant's own transaction: no tenant without it after
     * a kill -9; a refusal is audited by the request's {@link RequestFacts}.
     */
    Tenants.Created create(Request request, AdminCall call, String name, String domain) {
        RequestFacts facts = RequestFacts.of(request).audited("tenant-create");
        Tenants.Created created = tenants.create(name, domain, (connection, tenant) -> audit.record(connection,
                call.actor(), call.sourceIp(), "tenant-create", AuditEvent.OK, null, null, null,
                "tenant=" + tenant.name()));
        facts.action("request");
        return created;
    }

    /** 403 {@code operator-only} unless the caller is the operator. */
    static void requireOperator(AdminCall call) {
        AdminInput.requireOperator(call, "managing tenants");
    }

    static Map<String, Object> json(Tenant tenant) {
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
