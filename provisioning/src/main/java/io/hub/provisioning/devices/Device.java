package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import java.time.Instant;

/**
 * An enrolled phone.
 *
 * @param mac its MAC, the key: a MAC belongs to one tenant at most
 * @param tenant the tenant that enrolled it
 * @param model the catalogue model name
 * @param extension the SIP user it registers as; null while it is not assigned to a user
 * @param displayName the name its screen and its calls show
 * @param site the site whose settings layer applies
 * @param region the SIP entry point region (eu1, latam1, apac1, na1)
 * @param state enabled or disabled
 * @param sipPassword the digest password its configuration carries
 */
public record Device(MacAddress mac, String tenant, String model, String extension, String displayName, String site,
        String region, DeviceState state, String sipPassword, Instant createdAt, Instant updatedAt) {

    /** True when the phone has a SIP user to register as. */
    public boolean isAssigned() {
        return extension != null && !extension.isBlank();
    }
}
