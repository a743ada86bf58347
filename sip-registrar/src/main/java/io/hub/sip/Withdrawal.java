package io.hub.sip;

import io.hub.pki.MacAddress;
import java.util.Optional;

/**
 * A phone taken off SIP: its AOR lost every binding, the flows they were on were closed and the
 * calls it was in were ended.
 *
 * @param device the phone the AOR belonged to, when known: whose SIP password is to be rotated
 * @param detail what exactly was found, for the log
 */
public record Withdrawal(String aor, Optional<MacAddress> device, WithdrawReason reason, String detail,
        int bindingsRemoved, int flowsClosed, int callsEnded) {
}
