package io.hub.provisioning.resync;

import io.hub.provisioning.ResyncOutcome;
import io.hub.provisioning.Delivery;
import io.hub.provisioning.devices.Device;
import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code NOTIFY Event: check-sync} to a phone. Provisioning knows no SIP: the hub's SIP side
 * provides this, and until it does every phone is {@link ResyncOutcome#NO_FLOW}.
 */
@FunctionalInterface
public interface ResyncSender {

    /**
     * Notifies every live flow of the device's AOR in its tenant's domain.
     *
     * @param device an enabled, assigned device
     * @param reboot true to send {@code check-sync;reboot=true}
     * @return completes (never exceptionally) with the outcome once known
     */
    CompletableFuture<Delivery> send(Device device, boolean reboot);

    ResyncSender NONE = (device, reboot) -> CompletableFuture.completedFuture(
            new Delivery(ResyncOutcome.NO_FLOW, null, "SIP is not running"));
}
