package io.hub.provisioning.devices;

import java.util.Objects;

/**
 * A device changed by an admin (the API, the command line, an import), announced once its
 * transaction committed, so other parts of the hub (SIP) follow at once.
 *
 * @param before the device as it was
 * @param after the device as it is now; null when it was deleted
 */
public record DeviceChange(Device before, Device after) {

    public DeviceChange {
        Objects.requireNonNull(before, "before");
    }

    /**
     * True when the phone may no longer be registered as {@code before}'s extension: deleted,
     * disabled, or moved to another extension.
     */
    public boolean endsRegistration() {
        return before.isAssigned() && (after == null || after.state() != DeviceState.ENABLED
                || !Objects.equals(before.extension(), after.extension()));
    }
}
