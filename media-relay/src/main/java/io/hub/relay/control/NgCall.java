package io.hub.relay.control;

import io.hub.relay.RelayMode;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.offer.OfferAnswer;

/**
 * One call the ng interface set up: its offer/answer with the relay ({@link OfferAnswer}: the
 * session, the medium it carries, each phone's SDP and keys), the onward offer awaiting its answer,
 * and per side the phone's SIP tag. Changed by the control thread only; the relay's I/O thread may
 * only drop the call from the table when a leg goes silent.
 */
final class NgCall {

    final String callId;
    final RelayMode mode;
    final OfferAnswer exchange;
    final RelaySession session;
    final long createdSeconds;
    long lastSignalSeconds;
    /** The open offer as the other phone got it, which its answer must pick a key of. */
    OfferAnswer.Onward onward;
    private final Party a = new Party(Side.A);
    private final Party b = new Party(Side.B);

    NgCall(String callId, RelayMode mode, OfferAnswer exchange, long nowSeconds) {
        this.callId = callId;
        this.mode = mode;
        this.exchange = exchange;
        this.session = exchange.session();
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

        Party(Side side) {
            this.side = side;
        }
    }
}
