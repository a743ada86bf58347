package io.hub.dhcp.probe;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A UDP socket on 0.0.0.0:68 bound to one network device ({@code SO_BINDTODEVICE}, which Java's
 * sockets lack, through the C library by JNA). It is how a DHCP client talks before it has an
 * address: a broadcast to 255.255.255.255 leaves by that device whatever the routing table says
 * (there may be no route at all), and replies broadcast to port 68 come in on it. Linux only;
 * binding to a device needs root (CAP_NET_RAW), as port 68 does.
 */
final class DeviceSocket implements ProbeSocket {

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_BROADCAST = 6;
    private static final int SO_BINDTODEVICE = 25;
    private static final short POLLIN = 1;
    private static final int EINTR = 4;

    /** The calls of the C library this socket makes; each throws LastErrorException with errno on -1. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        long recvfrom(int fd, byte[] buffer, long length, int flags, byte[] address, IntByReference addressLength)
                throws LastErrorException;

        int poll(byte[] fds, long count, int millis) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final LibC libc;
    private final int fd;
    private final String device;
    private boolean closed;

    private DeviceSocket(LibC libc, int fd, String device) {
        this.libc = libc;
        this.fd = fd;
        this.device = device;
    }

    /**
     * Opens the socket, bound to {@code device} and 0.0.0.0:{@code port}.
     *
     * @throws ProbeException when the C library cannot be loaded or the socket cannot be bound
     */
    static DeviceSocket open(String device, int port) {
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            throw new ProbeException("cannot bind to " + device + " without an IPv4 address: the C library is not "
                    + "reachable (" + e.getMessage() + ")");
        }
        int fd;
        try {
            fd = libc.socket(AF_INET, SOCK_DGRAM, 0);
        } catch (LastErrorException e) {
            throw new ProbeException("cannot open a UDP socket: " + reason(e));
        }
        DeviceSocket socket = new DeviceSocket(libc, fd, device);
        try {
            libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one(), 4);
            libc.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, one(), 4);
            byte[] name = Arrays.copyOf(device.getBytes(StandardCharsets.US_ASCII), device.length() + 1);
            libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
            libc.bind(fd, sockaddr(new InetSocketAddress(port)), 16);
            return socket;
        } catch (LastErrorException e) {
            socket.close();
            throw new ProbeException("cannot bind UDP 0.0.0.0:" + port + " on " + device + " (" + reason(e)
                    + "); is a DHCP client or server running here?");
        }
    }

    @Override
    public void send(byte[] packet, InetSocketAddress destination) throws IOException {
        try {
            libc.sendto(fd, packet, packet.length, 0, sockaddr(destination), 16);
        } catch (LastErrorException e) {
            throw new IOException(reason(e));
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer, long millis) throws IOException {
        buffer.clear();
        byte[] pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort(POLLIN)
                .putShort((short) 0).array();
        try {
            if (libc.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, Math.max(0, millis))) == 0) {
                return null;
            }
            byte[] from = new byte[16];
            byte[] data = new byte[buffer.remaining()];
            long length = libc.recvfrom(fd, data, data.length, 0, from, new IntByReference(from.length));
            buffer.put(data, 0, (int) Math.min(length, data.length));
            return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(from, 4, 8)),
                    ((from[2] & 0xff) << 8) | (from[3] & 0xff));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) {
                return null;
            }
            throw new IOException("receiving on " + device + ": " + reason(e));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                libc.close(fd);
            } catch (LastErrorException e) {
                // Nothing was pending on a datagram socket; there is nothing left to release.
            }
        }
    }

    /** {@code struct sockaddr_in}: the family in host order, port and address in network order. */
    static byte[] sockaddr(InetSocketAddress address) {
        ByteBuffer out = ByteBuffer.allocate(16);
        out.order(ByteOrder.nativeOrder()).putShort((short) AF_INET);
        out.order(ByteOrder.BIG_ENDIAN).putShort((short) address.getPort());
        byte[] ip = address.getAddress().getAddress();
        out.put(ip.length == 4 ? ip : new byte[4]);
        return out.array();
    }

    private static byte[] one() {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1).array();
    }

    private static String reason(LastErrorException e) {
        return e.getMessage() == null ? "errno " + e.getErrorCode()
                : e.getMessage().replaceFirst("^\\[\\d+\\]\\s*", "");
    }
}
