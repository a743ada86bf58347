package io.hub.provisioning.resync;

import io.hub.provisioning.ResyncOutcome;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The progress of one change pushed to a set of phones: how many were queued, how many are still
 * waiting for their turn, and how the others answered. Shown by {@code GET /admin/v1/resyncs/{id}}.
 */
public final class Rollout {

    private final String id;
    private final String tenant;
    private final String what;
    private final boolean reboot;
    private final Instant createdAt;
    private final Map<ResyncOutcome, Integer> outcomes = new EnumMap<>(ResyncOutcome.class);
    private int total;
    private int pending;

    Rollout(String id, String tenant, String what, boolean reboot, Instant createdAt) {
        this.id = id;
        this.tenant = tenant;
        this.what = what;
        this.reboot = reboot;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenant() {
        return tenant;
    }

    String what() {
        return what;
    }

    synchronized void queued() {
        total++;
        pending++;
    }

    synchronized void finished(ResyncOutcome outcome) {
        pending--;
        outcomes.merge(outcome, 1, Integer::sum);
    }

    public synchronized int pending() {
        return pending;
    }

    public synchronized int total() {
        return total;
    }

    public synchronized int count(ResyncOutcome outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }

    /** The JSON the admin API answers. */
    public synchronized Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("what", what);
        json.put("reboot", reboot);
        json.put("createdAt", createdAt);
        json.put("total", total);
        json.put("done", total - pending);
        json.put("pending", pending);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ResyncOutcome outcome : ResyncOutcome.values()) {
            counts.put(outcome.code(), outcomes.getOrDefault(outcome, 0));
        }
        json.put("outcomes", counts);
        return json;
    }
}
