package io.hub.provisioning;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceState;
import java.util.Optional;

/**
 * A phone as the rest of the hub sees it: which tenant's extension it holds, with what SIP password
 * and, when one is bound, which certificate. A copy, read when asked.
 *
 * @param enabled false for a phone an admin disabled: it keeps its extension but may not register
 * @param certificateSha256 the certificate bound to the phone (SHA-256 of the DER, lower-case hex);
 *     such a phone is served, and on SIP accepted, with that certificate only
 */
public record ProvisionedPhone(MacAddress mac, String tenant, String extension, String sipPassword, boolean enabled,
        Optional<String> certificateSha256) {

    static ProvisionedPhone of(Device device) {
        return new ProvisionedPhone(device.mac(), device.tenant(), device.extension(), device.sipPassword(),
                device.state() == DeviceState.ENABLED, device.certificateSha256());
    }
}
