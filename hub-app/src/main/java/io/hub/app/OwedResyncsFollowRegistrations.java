package io.hub.app;

import io.hub.pki.log.LogText;
import io.hub.provisioning.Phones;
import io.hub.provisioning.Provisioning;
import io.hub.sip.SipService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A phone owed a check-sync (the hub started with other {@code deviceDefaults}) is queued when SIP
 * sees it register or refresh: a binding carried over from before the restart is refreshed on the
 * phone's new flow, not registered anew.
 */
final class OwedResyncsFollowRegistrations {

    private static final Logger LOG = LoggerFactory.getLogger(OwedResyncsFollowRegistrations.class);

    private OwedResyncsFollowRegistrations() {
    }

    static void wire(SipService sip, Provisioning provisioning) {
        Phones phones = provisioning.phones();
        sip.onRegistered(aor -> {
            if (!provisioning.resyncsOwed()) {
                return; // the common case: nothing is looked up
            }
            String domain = aor.replaceFirst("^sips?:", "").replaceFirst("^[^@]*@", "");
            phones.tenantOf(domain)
                    .flatMap(owner -> TenantAors.phone(aor, owner.domain(), phones, owner.tenant()))
                    .filter(phone -> provisioning.phoneRegistered(phone.mac()))
                    .ifPresent(phone -> LOG.info("resync owed since start queued mac={} aor={}",
                            phone.mac().value(), LogText.of(aor)));
        });
    }
}
