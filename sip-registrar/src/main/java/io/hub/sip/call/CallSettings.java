package io.hub.sip.call;

import io.hub.relay.RelayMode;
import java.time.Duration;

/**
 * How the hub runs calls.
 *
 * @param mediaAddress the address written in SDP for the relay (the hub's public address), or null
 *     for the address each phone reached the hub on, which is the one it can send to
 * @param mode SRTP termination (a key per leg, the default) or passthrough (end-to-end keys)
 * @param ringTimeout how long a call may ring before it is given up (480)
 * @param transactionTimeout how long a phone may take to answer a request at all (RFC 3261 timer B, 64*T1)
 * @param holdTimeout the dead-stream timeout while a call is on hold, when one side sends nothing
 * @param mediaTimeout the dead-stream timeout of an active call
 * @param maxCallsPerPhone calls one AOR may have going at once; more are refused (503), so one
 *     phone's INVITE storm cannot take the relay's ports from everyone else
 */
public record CallSettings(String mediaAddress, RelayMode mode, Duration ringTimeout, Duration transactionTimeout,
        Duration holdTimeout, Duration mediaTimeout, int maxCallsPerPhone) {

    public static CallSettings standard() {
        return new CallSettings(null, RelayMode.TERMINATION, Duration.ofSeconds(120), Duration.ofSeconds(32),
                Duration.ofMinutes(30), Duration.ofSeconds(60), 16);
    }

    public CallSettings withMediaAddress(String address) {
        return new CallSettings(address, mode, ringTimeout, transactionTimeout, holdTimeout, mediaTimeout,
                maxCallsPerPhone);
    }

    public CallSettings withMode(RelayMode relayMode) {
        return new CallSettings(mediaAddress, relayMode, ringTimeout, transactionTimeout, holdTimeout, mediaTimeout,
                maxCallsPerPhone);
    }

    public CallSettings withTimeouts(Duration ring, Duration transaction, Duration hold, Duration media) {
        return new CallSettings(mediaAddress, mode, ring, transaction, hold, media, maxCallsPerPhone);
    }
}
