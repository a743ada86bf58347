package io.hub.bench.relay.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Bouncy Castle's datagram transport over a phone's own blocking UDP socket, to and from the relay
 * port only: datagrams from elsewhere, and the relay's non-DTLS ones (first byte outside 20..63,
 * RFC 7983), are skipped.
 */
final class ChannelTransport implements DatagramTransport {

    private static final int MTU = 1200;

    private final DatagramSocket socket;
    private final InetSocketAddress relay;

    ChannelTransport(DatagramSocket socket, InetSocketAddress relay) {
        this.socket = socket;
        this.relay = relay;
    }

    @Override
    public int getReceiveLimit() {
        return MTU;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buf, off, len);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            int first = packet.getLength() > 0 ? buf[off] & 0xff : 0;
            if (relay.equals(packet.getSocketAddress()) && first >= 20 && first <= 63) {
                return packet.getLength();
            }
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        socket.send(new DatagramPacket(buf, off, len, relay));
    }

    @Override
    public void close() {
        // The socket is the phone's, which goes on carrying SRTP.
    }
}
