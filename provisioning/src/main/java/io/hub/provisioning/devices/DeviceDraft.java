package io.hub.provisioning.devices;

import java.util.Map;

/**
 * A device as an admin describes it (JSON body or CSV line), before it is checked. Null fields are
 * absent; in an update they mean "unchanged". {@code settings} is the device's own configuration
 * layer, replaced whole when present.
 */
public record DeviceDraft(String mac, String model, String extension, String displayName, String site, String region,
        String state, Map<String, String> settings) {
}
