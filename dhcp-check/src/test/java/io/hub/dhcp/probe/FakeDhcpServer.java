package io.hub.dhcp.probe;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A DHCP "server" on a loopback port that answers each request with whatever datagrams the test
 * scripts, lies included, and remembers every request it got.
 */
final class FakeDhcpServer implements AutoCloseable {

    /** One request as the server received it. */
    record Request(int type, int xid, int flags, byte[] options) {
    }

    private final DatagramSocket socket;
    private final Thread thread;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    FakeDhcpServer(Function<Request, List<byte[]>> answers) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(100);
        thread = new Thread(() -> serve(answers), "fake-dhcp-server");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(Function<Request, List<byte[]>> answers) {
        byte[] buffer = new byte[2048];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Request request = request(packet);
                requests.add(request);
                for (byte[] answer : answers.apply(request)) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (SocketTimeoutException e) {
                // Checks whether to stop, ten times a second.
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Request request(DatagramPacket packet) {
        ByteBuffer bytes = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
        byte[] options = new byte[packet.getLength() - 240];
        System.arraycopy(packet.getData(), 240, options, 0, options.length);
        int type = options.length > 2 && options[0] == 53 ? options[2] : 0;
        return new Request(type, bytes.getInt(4), bytes.getShort(10) & 0xffff, options);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            socket.close();
        }
    }
}
