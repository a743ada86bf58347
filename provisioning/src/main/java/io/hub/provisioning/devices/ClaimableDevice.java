package io.hub.provisioning.devices;

import java.time.Instant;

/**
 * A phone that proved itself with a valid certificate but that nobody has enrolled: what an admin
 * needs to enroll it in one step.
 */
public record ClaimableDevice(String mac, String model, String fingerprint, String issuer, String sourceIp,
        Instant firstSeen, Instant lastSeen, long seenCount) {
}
