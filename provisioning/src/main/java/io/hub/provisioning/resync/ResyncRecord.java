package io.hub.provisioning.resync;

import java.time.Instant;

/** The last NOTIFY a phone was sent and its outcome, as {@code GET /admin/v1/devices/{mac}} shows it. */
public record ResyncRecord(String mac, boolean reboot, String outcome, Integer status, String detail,
        Instant requestedAt, Instant finishedAt) {
}
