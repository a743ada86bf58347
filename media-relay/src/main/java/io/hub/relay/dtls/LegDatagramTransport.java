package io.hub.relay.dtls;

import io.hub.relay.LegPort;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Bouncy Castle's blocking DTLS on top of the relay's non-blocking port: the relay's I/O thread
 * {@link #offer}s the peer's DTLS datagrams into a small queue and never waits, the handshake thread
 * takes them in {@link #receive}, and sends go out of the leg's port to the one peer address.
 */
final class LegDatagramTransport implements DatagramTransport {

    /** A DTLS 1.2 flight is a handful of records; more than this waiting means nobody reads them. */
    static final int QUEUE = 32;
    /** What the relay reads at most in one datagram. */
    private static final int RECEIVE_LIMIT = 2048;
    /** The path MTU DTLS fragments its handshake to, as browsers do: fits a tunnel or a TURN relay. */
    private static final int SEND_LIMIT = 1200;

    private final LegPort port;
    private final InetSocketAddress peer;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean closed;

    LegDatagramTransport(LegPort port, InetSocketAddress peer) {
        this.port = port;
        this.peer = peer;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** From the I/O thread: queues a copy; false (dropped) if the queue is full or the transport closed. */
    boolean offer(byte[] data, int offset, int length) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        return queue.offer(copy);
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    /** The next datagram, or -1 if none came within {@code waitMillis} or the transport is closed. */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) {
        if (closed) {
            return -1;
        }
        byte[] datagram;
        try {
            datagram = queue.poll(Math.max(waitMillis, 1), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        if (datagram == null) {
            return -1;
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!closed) {
            port.send(buf, off, len, peer);
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
    }
}
