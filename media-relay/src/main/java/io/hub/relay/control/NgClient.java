package io.hub.relay.control;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The SIP proxy's side of the ng protocol over UDP, as Kamailio's rtpengine module speaks it: each
 * request goes out under a fresh cookie and is sent again, under the same cookie, when no reply came
 * in time (the relay answers a repeat from its memory instead of running it twice). Replies to
 * earlier cookies are skipped. Talks to the hub's relay or to rtpengine alike. Not thread-safe.
 */
public final class NgClient implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress relay;
    private final int attempts;
    private final String prefix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + "_";
    private long cookies;

    /**
     * @param timeout how long to wait for a reply before sending again
     * @param attempts how many times a request is sent before {@link #request} gives up
     */
    public NgClient(InetSocketAddress relay, Duration timeout, int attempts) throws IOException {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt, not " + attempts);
        }
        this.relay = relay;
        this.attempts = attempts;
        this.socket = new DatagramSocket(new InetSocketAddress(relay.getAddress(), 0));
        socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
    }

    /**
     * The reply dictionary to {@code request}; an ng error is a reply like any other
     * ({@code result: error}).
     *
     * @throws IOException if no reply came after every attempt, or the reply did not decode
     */
    public Map<?, ?> request(Map<String, Object> request) throws IOException {
        String cookie = prefix + (++cookies);
        byte[] datagram = datagram(cookie, Bencode.encode(request));
        for (int attempt = 0; attempt < attempts; attempt++) {
            socket.send(new DatagramPacket(datagram, datagram.length, relay));
            byte[] reply;
            while ((reply = receive()) != null) {
                if (startsWith(reply, cookie + " ")) {
                    return dictionary(reply, cookie.length() + 1);
                }
            }
        }
        throw new IOException("no ng reply from " + relay + " to " + request.get("command") + " after " + attempts
                + " attempts");
    }

    /** Sends one datagram as given and returns the next datagram received, or null after the timeout. */
    public byte[] exchange(byte[] datagram) throws IOException {
        send(datagram);
        return receive();
    }

    /** Sends one datagram as given, expecting nothing. */
    public void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    /** {@code cookie SP body}, as the protocol frames a message. */
    public static byte[] datagram(String cookie, byte[] body) {
        byte[] head = (cookie + " ").getBytes(StandardCharsets.ISO_8859_1);
        byte[] datagram = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, datagram, head.length, body.length);
        return datagram;
    }

    /** The dictionary of a reply whose cookie and space take {@code offset} bytes. */
    public static Map<?, ?> dictionary(byte[] reply, int offset) throws IOException {
        try {
            if (Bencode.decode(reply, offset, reply.length - offset) instanceof Map<?, ?> map) {
                return map;
            }
            throw new IOException("the ng reply is not a dictionary");
        } catch (BencodeException e) {
            throw new IOException("the ng reply does not decode: " + e.getMessage(), e);
        }
    }

    private byte[] receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        if (bytes.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        socket.close();
    }
}
