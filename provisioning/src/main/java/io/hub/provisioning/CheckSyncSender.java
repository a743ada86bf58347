package io.hub.provisioning;

import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code NOTIFY Event: check-sync} to a phone's AOR. Provisioning knows no SIP: the hub's SIP
 * side provides this ({@link Provisioning#startResyncs}), and until it does every phone is
 * {@link ResyncOutcome#NO_FLOW}.
 */
@FunctionalInterface
public interface CheckSyncSender {

    /**
     * Notifies every live flow of {@code aor}.
     *
     * @param aor the phone's {@code sip:extension@tenant-domain}, so another tenant's phone with the
     *     same extension is never told
     * @param reboot true to send {@code check-sync;reboot=true}
     * @return completes (never exceptionally) with the outcome once known
     */
    CompletableFuture<Delivery> send(String aor, boolean reboot);
}
