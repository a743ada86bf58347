package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.ErrorBody;
import io.hub.provisioning.http.RefusalReplies;
import io.hub.provisioning.http.RefusingHandler;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.http.Responses;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API (JSON over HTTPS, bearer token of a tenant): devices, bulk import, claimable
 * devices, firmware, sites, resyncs, tenants, DHCP alerts, the audit log, live views, metrics and
 * health, operator actions, one route class per resource ({@link AdminRoute}) mapped by Jetty's
 * {@link PathMappingsHandler}.
 *
 * <p>Every request but {@code /healthz} and the console's files is authenticated before it is
 * routed, and runs as the tenant of its token ({@link AdminCall}). A refusal is answered by
 * {@link RefusalReplies} with its status, {@code X-Hub-Reason} and a JSON body
 * {@code {"error": "<reason>", "message": "…"}}; a resource asked with a method it does not serve is
 * 405 {@code method-not-allowed}, a path that names none 404 {@code no-such-resource}.
 */
public final class AdminApi extends Handler.Wrapper {

    /** The admin side's refusal counter, tagged {@code action} and {@code outcome} (the reason code). */
    static final String REFUSALS = "hub.admin.refusals";

    public AdminApi(Tenants tenants, Enrollment enrollment, FirmwareStore firmware, SettingLayers layers,
            AuditLog audit, Database database, PrometheusMeterRegistry metrics, DhcpAlerts dhcpAlerts,
            LiveViews liveViews, OperatorActions actions, CertificateBindings bindings, ResyncAdmin resyncAdmin) {
        PathMappingsHandler routes = new PathMappingsHandler();
        Set<String> open = new HashSet<>(Console.paths());
        open.add(HealthRoute.PATH);
        routes.addMapping(new ServletPathSpec(HealthRoute.PATH), new HealthRoute(database));
        Console console = new Console();
        Console.paths().forEach(path -> routes.addMapping(new ServletPathSpec(path), console));
        routes.addMapping(new ServletPathSpec(MetricsRoute.PATH), new MetricsRoute(metrics));
        routes.addMapping(new ServletPathSpec(DevicesRoute.PATH), new DevicesRoute(enrollment));
        routes.addMapping(new ServletPathSpec(ClaimableRoute.PATH), new ClaimableRoute(database));
        routes.addMapping(new ServletPathSpec(ImportRoute.PATH), new ImportRoute(enrollment));
        routes.addMapping(new UriTemplatePathSpec(DeviceByMacRoute.PATH),
                new DeviceByMacRoute(enrollment, layers, resyncAdmin));
        routes.addMapping(new UriTemplatePathSpec(CertificateRoute.PATH), new CertificateRoute(bindings));
        routes.addMapping(new UriTemplatePathSpec(SipPasswordRoute.PATH), new SipPasswordRoute(enrollment));
        routes.addMapping(new UriTemplatePathSpec(DeviceResyncRoute.RESYNC), new DeviceResyncRoute(resyncAdmin, false));
        routes.addMapping(new UriTemplatePathSpec(DeviceResyncRoute.REBOOT), new DeviceResyncRoute(resyncAdmin, true));
        routes.addMapping(new ServletPathSpec(FirmwareRoute.PATH), new FirmwareRoute(firmware, audit));
        routes.addMapping(new ServletPathSpec(FirmwareTargetRoute.PATH),
                new FirmwareTargetRoute(firmware, audit, resyncAdmin));
        routes.addMapping(new UriTemplatePathSpec(FirmwareImageRoute.PATH), new FirmwareImageRoute(firmware, audit));
        routes.addMapping(new UriTemplatePathSpec(SiteRoute.PATH), new SiteRoute(layers, resyncAdmin));
        routes.addMapping(new UriTemplatePathSpec(SiteResyncRoute.PATH), new SiteResyncRoute(resyncAdmin));
        routes.addMapping(new UriTemplatePathSpec(RolloutRoute.PATH), new RolloutRoute(resyncAdmin));
        routes.addMapping(new ServletPathSpec(AlertsRoute.PATH), new AlertsRoute(dhcpAlerts));
        routes.addMapping(new ServletPathSpec(AuditRoute.PATH), new AuditRoute(audit));
        routes.addMapping(new ServletPathSpec(AuditSearchRoute.PATH), new AuditSearchRoute(database));
        routes.addMapping(new ServletPathSpec(FleetRoute.PATH), new FleetRoute(database, firmware, liveViews));
        TenantAdmin tenantAdmin = new TenantAdmin(tenants, audit);
        routes.addMapping(new ServletPathSpec(TenantsRoute.PATH), new TenantsRoute(tenantAdmin));
        routes.addMapping(new UriTemplatePathSpec(TenantRoute.PATH), new TenantRoute(tenantAdmin));
        routes.addMapping(new UriTemplatePathSpec(TenantTokenRoute.PATH), new TenantTokenRoute(tenantAdmin));
        // Last in precedence: an exact path above always wins over a view's name.
        routes.addMapping(new UriTemplatePathSpec(PublishedRoute.PATH), new PublishedRoute(liveViews, actions, audit));
        RefusalReplies replies = new RefusalReplies("admin", ErrorBody.JSON, audit, metrics, REFUSALS, sourceIp -> {
        });
        setHandler(new RefusingHandler(replies, "admin", false, new TokenCheck(tenants, open, routes)));
    }

    /** True for the default tenant, whose token is the operator's ({@code var/admin-token}). */
    static boolean isOperator(String tenant) {
        return Tenants.DEFAULT.equals(tenant);
    }

    /**
     * Authenticates every request but those to the {@code open} paths before it is routed, so a
     * path that names nothing is 401 to a caller without a valid token, as any other.
     */
    private static final class TokenCheck extends Handler.Wrapper {
        private final Tenants tenants;
        private final Set<String> open;

        TokenCheck(Tenants tenants, Set<String> open, Handler routes) {
            super(routes);
            this.tenants = tenants;
            this.open = Set.copyOf(open);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!open.contains(Request.getPathInContext(request))) {
                AdminCall call = new AdminCall(authenticate(request), Responses.sourceIp(request));
                call.attachTo(request);
                RequestFacts.of(request).actor(call.actor()).action("request");
            }
            return super.handle(request, response, callback);
        }

        private String authenticate(Request request) {
            RequestFacts.of(request).audited("authenticate");
            String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7)
                    : null;
            Optional<String> tenant = tenants.byToken(token);
            if (tenant.isEmpty()) {
                throw new ProvisioningException(token == null ? Refusal.NO_TOKEN : Refusal.BAD_TOKEN,
                        "send Authorization: Bearer <the token in var/admin-token>", request.getMethod() + " "
                                + Request.getPathInContext(request), null);
            }
            return tenant.get();
        }
    }
}
