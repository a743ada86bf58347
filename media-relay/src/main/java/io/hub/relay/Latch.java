package io.hub.relay;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The address a phone really sends from, learnt from what it sends (its SDP address is often a
 * private one behind NAT). The relay sends to a leg only once it has latched, so it never sends media
 * to an address nobody proved to own.
 *
 * <p>Termination mode latches on, and re-latches to, the source of any packet whose SRTP tag
 * verified under the leg's inbound key and passed the replay window: only the phone holds that key,
 * so a NAT rebinding follows the phone while packets sprayed at the port move nothing.
 *
 * <p>Passthrough cannot authenticate, so sources are ranked: the SDP address exactly, then the SDP
 * address's IP, then any source. The latch moves only to a better rank and is locked against equal or
 * lower ones: the first stranger cannot be displaced by a second, and once the SDP address itself
 * sent, nothing moves it. A NAT rebinding in passthrough needs a re-INVITE ({@link #reset}).
 * Not thread-safe: the session's lock guards it.
 */
final class Latch {

    private static final int NONE = 0;
    private static final int ANY_SOURCE = 1;
    private static final int SAME_IP = 2;
    private static final int EXPECTED = 3;

    private InetSocketAddress address;
    private int rank = NONE;

    InetSocketAddress address() {
        return address;
    }

    /** Passthrough: whether {@code source} is (now) the latched address. */
    boolean offer(InetSocketAddress source, InetSocketAddress expected) {
        if (source.equals(address)) {
            return true;
        }
        int offered = expected == null ? ANY_SOURCE
                : source.equals(expected) ? EXPECTED
                : source.getAddress().equals(expected.getAddress()) ? SAME_IP
                : ANY_SOURCE;
        if (offered > rank) {
            address = source;
            rank = offered;
            return true;
        }
        return false;
    }

    /** Termination: the source of an authenticated packet; returns whether the latch moved. */
    boolean authenticated(InetSocketAddress source) {
        if (Objects.equals(source, address)) {
            return false;
        }
        address = source;
        rank = EXPECTED;
        return true;
    }

    void reset() {
        address = null;
        rank = NONE;
    }
}
