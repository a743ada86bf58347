package io.hub.app;

import io.hub.pki.log.LogText;
import io.hub.provisioning.Provisioning;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.resync.Resyncs;
import io.hub.sip.SipService;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A phone owed a check-sync (the hub started with other {@code deviceDefaults}) is queued when SIP
 * sees it register or refresh: a binding carried over from before the restart is refreshed on the
 * phone's new flow, not registered anew. Nothing is looked up while nothing is owed.
 */
final class OwedResyncsFollowRegistrations {

    private static final Logger LOG = LoggerFactory.getLogger(OwedResyncsFollowRegistrations.class);

    private OwedResyncsFollowRegistrations() {
    }

    /** @param tenantOfDomain the tenant owning a SIP domain, or null */
    static void wire(SipService sip, Provisioning provisioning, Function<String, String> tenantOfDomain) {
        Resyncs resyncs = provisioning.resyncs();
        sip.onRegistered(aor -> {
            if (resyncs.owed() == 0) {
                return;
            }
            String domain = aor.replaceFirst("^sips?:", "").replaceFirst("^[^@]*@", "");
            String tenant = tenantOfDomain.apply(domain);
            if (tenant == null) {
                return;
            }
            Optional<Device> device = CallList.deviceOf(aor, domain, provisioning.enrollment(), tenant);
            if (device.isPresent() && resyncs.registered(device.get().mac())) {
                LOG.info("resync owed since start queued mac={} aor={}", device.get().mac().value(), LogText.of(aor));
            }
        });
    }
}
