package io.hub.provisioning.deviceapi;

import io.hub.dhcp.DiscoveryUrl;
import io.hub.dhcp.Finding;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.RateLimiter;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /prov/v1/status/{mac}}: the phone's firmware, address and DHCP options, kept as its
 * status history and judged for DHCP conflicts; 204.
 */
final class StatusRoute extends DeviceRoute {

    static final String PATH = "/prov/v1/status/{mac}";
    /**
     * A phone's status reports are stored at most {@link #STATUS_BURST} at once, then one in this
     * time; the rest are answered 202 with {@code X-Hub-Status: not-stored} and cost nothing.
     */
    static final Duration STATUS_EVERY = Duration.ofSeconds(60);
    static final int STATUS_BURST = 5;
    private static final int MAX_STATUS_BYTES = 16 * 1024;

    private final DhcpAlerts dhcpAlerts;
    private final AuditLog audit;
    private final RateLimiter statusReports;

    StatusRoute(Desk desk, DhcpAlerts dhcpAlerts, AuditLog audit, Clock clock) {
        super("status", Set.of("POST"), desk);
        this.dhcpAlerts = dhcpAlerts;
        this.audit = audit;
        this.statusReports = new RateLimiter(STATUS_BURST, 1.0 / STATUS_EVERY.toSeconds(), clock)
                .measured(desk.metrics(), "device", "status-reports-per-device");
    }

    @Override
    void serve(Request request, Response response, Callback callback) throws IOException {
        MacAddress mac = DeviceAuthenticator.mac(PathParameters.of(request, "mac"));
        Access access = authenticator.authenticate(request, Optional.of(mac), false);
        StatusReport report;
        try {
            report = StatusReport.parse(Responses.body(request, MAX_STATUS_BYTES));
        } catch (Responses.BodyTooLargeException e) {
            throw new ProvisioningException(Refusal.TOO_LARGE, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(Refusal.INVALID_STATUS, e.getMessage());
        }
        if (statusReports.acquire(mac.value()).isPresent()) {
            // Accepted but not stored: a phone reporting more often than once a STATUS_EVERY costs
            // no commit, no audit row and no DHCP judgement; 202 rather than 429, so that a phone
            // does not retry it (the next report in time is stored).
            count("throttled");
            response.getHeaders().put("X-Hub-Status", "not-stored");
            Responses.empty(response, callback, 202);
            return;
        }
        String sourceIp = Responses.sourceIp(request);
        // The phone reached the hub at this very URL (or the configured public host), so a DHCP
        // value naming it leads phones here and any other location leads them away.
        String conflicts = "";
        if (report.dhcpReported()) {
            try {
                List<Finding> found = dhcpAlerts.report(mac, report.dhcpOptions(),
                        DiscoveryUrl.parse(urls.base(request) + DiscoveryUrl.PATH));
                conflicts = " dhcp-conflicts=" + found.size();
            } catch (IllegalArgumentException e) {
                conflicts = " dhcp-not-judged: " + e.getMessage();
            }
        }
        String detail = "firmware=" + report.firmware() + " ip=" + report.ip() + conflicts;
        contacts.record(mac, "status", request, sourceIp, report, connection -> {
            audit.recordForDevice(connection, access.device().tenant(), sourceIp, "status", mac.value(),
                    access.identity().fingerprint(), detail);
            return null;
        });
        count("ok");
        Responses.empty(response, callback, 204);
    }
}
