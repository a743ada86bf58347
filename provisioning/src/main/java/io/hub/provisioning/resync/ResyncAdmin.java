package io.hub.provisioning.resync;

import io.hub.provisioning.ResyncOutcome;
import io.hub.provisioning.Delivery;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.Refusal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the admin API's resync routes do: {@code POST /admin/v1/devices/{mac}/resync} and {@code …/reboot}
 * (sent at once; 200 with the phone's answer, 409 {@code no-flow} when it has no live flow),
 * {@code POST /admin/v1/sites/{site}/resync} (queued at the bounded rate; 202 with the rollout) and
 * {@code GET /admin/v1/resyncs/{id}} (the rollout's progress). Everything is the token's tenant's.
 */
public final class ResyncAdmin {

    private final Resyncs resyncs;
    private final AuditLog audit;

    public ResyncAdmin(Resyncs resyncs, AuditLog audit) {
        this.resyncs = resyncs;
        this.audit = audit;
    }

    /** Queues the site's phones at the bounded rate, audited; the rollout to follow. */
    public Rollout site(String tenant, String site, String actor, String sourceIp) {
        Rollout rollout = resyncs.site(tenant, site, false);
        audit.record(actor, sourceIp, "resync-site", AuditEvent.OK, null, null, null,
                site + ": " + rollout.total() + " phone(s), rollout " + rollout.id());
        return rollout;
    }

    /** The tenant's rollout {@code id}; 404 {@code no-such-resync} when there is none. */
    public Rollout rollout(String tenant, String id) {
        return resyncs.rollout(tenant, id).orElseThrow(() ->
                new ProvisioningException(Refusal.NO_SUCH_RESYNC, "no resync " + id));
    }

    /** A site's settings changed: its phones are queued; an empty site is nothing to tell. */
    public void siteChanged(String tenant, String site) {
        try {
            resyncs.site(tenant, site, false);
        } catch (ProvisioningException noPhones) {
            // Settings for a site with no phone yet: its phones get them when they come.
        }
    }

    /** A model's firmware target changed for the tenant: its phones of that model are queued. */
    public void targetChanged(String tenant, String model) {
        resyncs.model(tenant, model);
    }

    /** The phone's last outcome as {@code GET /admin/v1/devices/{mac}} shows it, or null. */
    public Map<String, Object> lastJson(String tenant, MacAddress mac) {
        return resyncs.last(tenant, mac).map(ResyncAdmin::json).orElse(null);
    }

    /**
     * Tells the phone to fetch its configuration (and to boot, with {@code reboot}) now, audited;
     * its answer as JSON. 409 {@code no-flow} when it has no live SIP flow.
     */
    public Map<String, Object> now(String tenant, MacAddress mac, boolean reboot, String actor, String sourceIp) {
        Delivery delivery = resyncs.now(tenant, mac, reboot).join();
        String action = reboot ? "reboot" : "resync";
        audit.record(actor, sourceIp, action, delivery.outcome() == ResyncOutcome.OK ? AuditEvent.OK
                : AuditEvent.REFUSED, delivery.outcome().code(), mac.value(), null, delivery.detail());
        if (delivery.outcome() == ResyncOutcome.NO_FLOW) {
            throw new ProvisioningException(Refusal.NO_FLOW, "device " + mac.value() + " has no live SIP flow: it "
                    + "picks up changes at its next configuration fetch");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mac", mac.value());
        json.put("reboot", reboot);
        json.put("outcome", delivery.outcome().code());
        json.put("status", delivery.status());
        json.put("detail", delivery.detail());
        return json;
    }

    private static Map<String, Object> json(ResyncRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("reboot", record.reboot());
        json.put("outcome", record.outcome());
        json.put("status", record.status());
        json.put("detail", record.detail());
        json.put("requestedAt", record.requestedAt());
        json.put("finishedAt", record.finishedAt());
        return json;
    }
}
