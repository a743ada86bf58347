package io.hub.provisioning.devices;

import java.util.Map;

/**
 * A device as an admin describes it (JSON body or CSV line), before it is checked. Null fields are
 * absent; in an update they mean "unchanged". {@code settings} is the device's own configuration
 * layer, replaced whole when present. {@code certificateSha256} binds a certificate at enrollment.
 */
public record DeviceDraft(String mac, String model, String extension, String displayName, String site, String region,
        String state, Map<String, String> settings, String certificateSha256) {

    /** A draft that binds no certificate. */
    public DeviceDraft(String mac, String model, String extension, String displayName, String site, String region,
            String state, Map<String, String> settings) {
        this(mac, model, extension, displayName, site, region, state, settings, null);
    }
}
