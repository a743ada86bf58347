package io.hub.app;

import io.hub.pki.log.LogText;
import io.hub.provisioning.Phones;
import io.hub.provisioning.ProvisionedPhone;
import io.hub.sip.SipService;
import io.hub.sip.WithdrawReason;
import io.hub.sip.Withdrawal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways between provisioning and SIP when a phone loses its right to register. A device an
 * admin disables, deletes or moves to another extension is taken off SIP at once (its calls, its
 * bindings, its flows); a phone SIP takes off because it was revoked or its CA untrusted gets a new
 * SIP password, which only a valid certificate can fetch, so a copy of the old one stops working.
 * (Disabling rotates the password in provisioning's own transaction.)
 */
final class SipFollowsDevices {

    private static final Logger LOG = LoggerFactory.getLogger(SipFollowsDevices.class);

    private SipFollowsDevices() {
    }

    static void wire(Phones phones, SipService sip) {
        phones.onRegistrationEnded(before -> follow(before, sip));
        sip.onWithdrawal(withdrawal -> rotateIfRevoked(withdrawal, phones));
    }

    private static void follow(ProvisionedPhone before, SipService sip) {
        java.util.List<Withdrawal> withdrawn = sip.recheckUser(before.extension());
        LOG.info("sip follows device change mac={} extension={} withdrawn={}{}", before.mac(),
                LogText.of(before.extension()), withdrawn.size(), aors(withdrawn));
    }

    /** " aor=A[,B]" naming the AORs the change took off SIP, or nothing when it took none off. */
    static String aors(java.util.List<Withdrawal> withdrawn) {
        java.util.List<String> aors = withdrawn.stream().map(Withdrawal::aor).distinct().toList();
        return aors.isEmpty() ? "" : " aor=" + LogText.of(String.join(",", aors));
    }

    private static void rotateIfRevoked(Withdrawal withdrawal, Phones phones) {
        boolean certificateGone = withdrawal.reason() == WithdrawReason.REVOKED
                || withdrawal.reason() == WithdrawReason.UNTRUSTED;
        if (certificateGone && withdrawal.device().isPresent()) {
            phones.rotateSipPassword(withdrawal.device().get(), "sip",
                    withdrawal.reason().code() + ": " + withdrawal.detail());
        }
    }
}
