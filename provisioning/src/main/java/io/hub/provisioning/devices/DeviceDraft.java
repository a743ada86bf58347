package io.hub.provisioning.devices;

/**
 * A device as an admin describes it (JSON body or CSV line), before it is checked. Null fields are
 * absent; in an update they mean "unchanged".
 */
public record DeviceDraft(String mac, String model, String extension, String displayName, String site, String region,
        String state) {
}
