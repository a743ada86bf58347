package io.hub.relay.dtls;

import io.hub.relay.LegPort;
import io.hub.relay.PacketKind;
import io.hub.relay.Side;
import io.hub.relay.srtp.SdesKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser's side of a DTLS-SRTP leg on loopback: a UDP socket with a reader thread that hands DTLS to
 * the peer's own {@link DtlsSrtpLeg} (made by another {@link DtlsSrtpLegs}, with its own certificate) and
 * queues STUN and SRTP for the test. Every wait is bounded.
 */
final class SocketPeer implements LegPort, AutoCloseable {

    private final DatagramSocket socket;
    private final Thread reader;
    final BlockingQueue<byte[]> stun = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> media = new LinkedBlockingQueue<>();
    /** DTLS that reaches a peer without a leg of its own: what a flooder gets back. */
    final BlockingQueue<byte[]> dtls = new LinkedBlockingQueue<>();
    final BlockingQueue<SdesKey[]> keys = new LinkedBlockingQueue<>();
    volatile DtlsSrtpLeg leg;

    SocketPeer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(this::read, "test-browser-reader");
        reader.setDaemon(true);
        reader.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    byte[] nextStun() throws InterruptedException {
        return stun.poll(10, TimeUnit.SECONDS);
    }

    byte[] nextMedia() throws InterruptedException {
        return media.poll(10, TimeUnit.SECONDS);
    }

    private void read() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                continue;
            }
            byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
            PacketKind kind = PacketKind.of(data[0]);
            if (kind == PacketKind.STUN) {
                stun.add(data);
            } else if (kind == PacketKind.DTLS && leg != null) {
                leg.received(kind, data, 0, data.length, (InetSocketAddress) packet.getSocketAddress());
            } else if (kind == PacketKind.DTLS) {
                dtls.add(data);
            } else if (kind == PacketKind.MEDIA) {
                media.add(data);
            }
        }
    }

    @Override
    public String callId() {
        return "browser";
    }

    @Override
    public Side side() {
        return Side.A;
    }

    @Override
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void send(byte[] data, int offset, int length, InetSocketAddress destination) {
        try {
            socket.send(new DatagramPacket(data, offset, length, destination));
        } catch (IOException e) {
            // lost, as UDP may lose it
        }
    }

    @Override
    public void keys(SdesKey inbound, SdesKey outbound) {
        keys.add(new SdesKey[] {inbound, outbound});
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(5000);
    }
}
