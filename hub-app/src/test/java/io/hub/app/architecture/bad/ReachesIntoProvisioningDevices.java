package io.hub.app.architecture.bad;

import io.hub.provisioning.devices.Device;

/** A hub-app class as it must not be: it reads provisioning's devices instead of its face ({@code Phones}). */
public final class ReachesIntoProvisioningDevices {

    private ReachesIntoProvisioningDevices() {
    }

    public static String extensionOf(Device device) {
        return device.extension();
    }
}
