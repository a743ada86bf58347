package io.hub.relay.control;

import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.srtp.SdesKey;
import java.util.List;

/**
 * One call the ng interface set up: its relay session, which medium of the SDP it carries, and per
 * side the phone's SIP tag, its last SDP and the hub's keys for it. Changed by the control thread
 * only; the relay's I/O thread may only drop the call from the table when a leg goes silent.
 */
final class NgCall {

    final String callId;
    final RelayMode mode;
    final RelaySession session;
    final int mediaIndex;
    final long createdSeconds;
    long lastSignalSeconds;
    /** The side whose offer awaits an answer, or null. */
    Side pendingOfferer;
    private final Party a = new Party(Side.A);
    private final Party b = new Party(Side.B);

    NgCall(String callId, RelayMode mode, RelaySession session, int mediaIndex, long nowSeconds) {
        this.callId = callId;
        this.mode = mode;
        this.session = session;
        this.mediaIndex = mediaIndex;
        this.createdSeconds = nowSeconds;
        this.lastSignalSeconds = nowSeconds;
    }

    Party party(Side side) {
        return side == Side.A ? a : b;
    }

    /** The side whose SIP tag this is, or null. */
    Party byTag(String tag) {
        return tag.equals(a.tag) ? a : tag.equals(b.tag) ? b : null;
    }

    /** One phone of the call, as the ng messages described it. */
    static final class Party {
        final Side side;
        String tag;
        long createdSeconds;
        PhoneMedia media;
        /** Termination: the phone's own key in its last offer or answer, which the relay decrypts it with. */
        SdesKey phoneKey;
        /** Termination: the key the hub encrypts to this phone with, once the phone accepted it. */
        SdesKey hubKey;
        /** Termination: the hub's keys in the offer this phone is to answer, crypto tag 1 first. */
        List<SdesKey> offeredKeys = List.of();

        Party(Side side) {
            this.side = side;
        }
    }
}
