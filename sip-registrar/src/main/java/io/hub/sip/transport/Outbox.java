package io.hub.sip.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A connection's output that the socket did not take at once: written by whichever thread sends,
 * the rest queued and written by the loop when the socket takes more. A peer that leaves more than
 * the bound unread is a {@link SlowReader}; one whose output makes no progress for
 * {@link #WRITE_STALL_MILLIS} has stopped reading.
 *
 * <p>Not thread-safe on its own: every method runs under the lock of the {@link Connection} that
 * owns it, the same lock that guards the connection's phase, so output and closing stay in order.
 */
final class Outbox {

    /** Output that made no progress for this long means a peer that stopped reading. */
    static final long WRITE_STALL_MILLIS = 30_000;

    /** Turns the loop's interest in the socket being writable on or off. */
    interface WriteInterest {
        void wanted(boolean writable);
    }

    private final SocketChannel channel;
    private final int maxUnsentBytes;
    private final WriteInterest interest;
    private ArrayDeque<ByteBuffer> unsent;
    private int unsentBytes;
    private long unsentSince;

    Outbox(SocketChannel channel, int maxUnsentBytes, WriteInterest interest) {
        this.channel = channel;
        this.maxUnsentBytes = maxUnsentBytes;
        this.interest = interest;
    }

    /**
     * Writes what the socket takes now and queues the rest.
     *
     * @throws SlowReader when the queue passes the bound
     * @throws IOException when the socket is broken
     */
    void write(ByteBuffer net) throws IOException {
        if (unsent == null) {
            channel.write(net);
            if (!net.hasRemaining()) {
                return;
            }
            unsent = new ArrayDeque<>(4);
            unsentSince = SipServer.millis();
            interest.wanted(true);
        }
        byte[] rest = new byte[net.remaining()];
        net.get(rest);
        unsent.add(ByteBuffer.wrap(rest));
        unsentBytes += rest.length;
        if (unsentBytes > maxUnsentBytes) {
            throw new SlowReader("not reading: more than " + maxUnsentBytes + " bytes unsent");
        }
    }

    /**
     * On the loop thread, when the socket takes more: writes the queue on.
     *
     * @return true when nothing is left unsent
     */
    boolean flush() throws IOException {
        while (unsent != null) {
            ByteBuffer head = unsent.peek();
            if (channel.write(head) > 0) {
                unsentSince = SipServer.millis();
            }
            if (head.hasRemaining()) {
                return false;
            }
            unsentBytes -= head.capacity();
            unsent.poll();
            if (unsent.isEmpty()) {
                unsent = null;
            }
        }
        interest.wanted(false);
        return true;
    }

    boolean isEmpty() {
        return unsent == null;
    }

    /** True when output waits and none of it was written for {@link #WRITE_STALL_MILLIS}. */
    boolean stalled(long now) {
        return unsent != null && now - unsentSince > WRITE_STALL_MILLIS;
    }

    /** Forgets what waits: the connection is dead. */
    void discard() {
        unsent = null;
        unsentBytes = 0;
    }

    /** The peer left more unread than the bound allows. */
    static final class SlowReader extends IOException {
        SlowReader(String message) {
            super(message, null);
        }
    }
}
