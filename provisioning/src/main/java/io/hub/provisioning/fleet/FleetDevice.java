package io.hub.provisioning.fleet;

import java.time.Instant;

/**
 * A device as the console's list shows it, without its secrets: the row, its certificate binding
 * state, its last contact and the firmware it last reported, its DHCP alerts and its last resync.
 *
 * @param certificate {@code bound}, {@code pending} (a generic certificate waits for approval) or
 *     {@code none} (any valid MAC-attesting certificate of this MAC is served)
 * @param lastContactAt null when the phone never reached the hub since it was enrolled
 * @param firmwareRunning what the phone last reported running, or null
 * @param resyncOutcome the last check-sync's outcome ({@code ok}, {@code no-flow}, {@code timeout} …), or null
 */
public record FleetDevice(String mac, String model, String extension, String displayName, String site,
        String region, String state, String certificate, Instant updatedAt, Instant lastContactAt,
        String lastContactKind, String lastContactIp, String firmwareRunning, int dhcpAlerts,
        String resyncOutcome, Instant resyncAt) {

    FleetDevice withExtras(Instant contactAt, String contactKind, String contactIp, String firmware, int alerts,
            String outcome, Instant outcomeAt) {
        return new FleetDevice(mac, model, extension, displayName, site, region, state, certificate, updatedAt,
                contactAt, contactKind, contactIp, firmware, alerts, outcome, outcomeAt);
    }
}
