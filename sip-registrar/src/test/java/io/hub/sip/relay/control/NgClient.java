package io.hub.sip.relay.control;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** A SIP proxy's side of the ng protocol over real UDP, as Kamailio's rtpengine module speaks it. */
final class NgClient implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress relay;
    private int cookies;

    NgClient(InetSocketAddress relay) throws IOException {
        this.relay = relay;
        this.socket = new DatagramSocket(new InetSocketAddress(relay.getAddress(), 0));
        socket.setSoTimeout(5000);
    }

    /** Sends a request under a fresh cookie and returns the reply dictionary. */
    Map<?, ?> request(Map<String, Object> request) throws Exception {
        return request("c" + (++cookies), request);
    }

    Map<?, ?> request(String cookie, Map<String, Object> request) throws Exception {
        return decodeReply(cookie, exchange((cookie + " ").getBytes(StandardCharsets.ISO_8859_1), Bencode.encode(request)));
    }

    /** Sends {@code cookie + " " + body} as given and returns the reply's dictionary, checking its cookie. */
    Map<?, ?> requestRaw(String cookie, byte[] body) throws Exception {
        return decodeReply(cookie, exchange((cookie + " ").getBytes(StandardCharsets.ISO_8859_1), body));
    }

    /** Sends a datagram and returns the reply's bytes. */
    byte[] exchange(byte[]... parts) throws IOException {
        send(parts);
        DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
        socket.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }

    void send(byte[]... parts) throws IOException {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] datagram = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, datagram, at, part.length);
            at += part.length;
        }
        socket.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    private static Map<?, ?> decodeReply(String cookie, byte[] reply) throws BencodeException {
        String prefix = cookie + " ";
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        if (!text.startsWith(prefix)) {
            throw new AssertionError("the reply does not start with the cookie " + cookie + ": " + text);
        }
        return (Map<?, ?>) Bencode.decode(reply, prefix.length(), reply.length - prefix.length());
    }

    @Override
    public void close() {
        socket.close();
    }
}
