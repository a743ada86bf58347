package io.hub.relay;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SdesException;
import io.hub.phone.srtp.Srtcp;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import io.hub.relay.srtp.SdesKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A desk phone's media side on loopback: a UDP socket, its own SRTP key for what it sends, and the
 * key the hub gave it for what it receives. Every receive is bounded by a timeout. Public for the
 * tests of the relay's control interface, which learn the hub's key from SDP after the socket is open.
 *
 * <p>Keys are handed in as the relay's {@link SdesKey}s, as the relay's API takes them, but the
 * phone's SRTP is the phone emulator's own, so a mistake in the relay's cannot cancel itself out.
 */
public final class FakePhone implements AutoCloseable {

    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int PAYLOAD = 160;

    public final int ssrc;
    public final SdesKey ownKey;
    private final SrtpSender sending;
    private final Srtcp sendingRtcp;
    private SrtpReceiver receiving;
    private DatagramSocket socket;
    private InetSocketAddress hub;

    public FakePhone(int ssrc, SdesKey ownKey, SdesKey hubKey) throws IOException {
        this.ssrc = ssrc;
        this.ownKey = ownKey;
        this.sending = ownKey == null ? null : new SrtpSender(asPhones(ownKey));
        this.sendingRtcp = ownKey == null ? null : new Srtcp(asPhones(ownKey));
        this.receiving = hubKey == null ? null : new SrtpReceiver(asPhones(hubKey));
        this.socket = open();
    }

    private static DatagramSocket open() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setSoTimeout(2000);
        return s;
    }

    /** The key the phone decrypts what it receives with: the hub's, or in passthrough the other phone's. */
    public void receiveWith(SdesKey key) {
        receiving = new SrtpReceiver(asPhones(key));
    }

    /** The same key as a phone reads it from the {@code a=crypto} line the relay would write. */
    public static MasterKey asPhones(SdesKey key) {
        try {
            return MasterKey.fromKeyParams(CryptoSuite.valueOf(key.suite().name()), key.inline());
        } catch (SdesException e) {
            throw new AssertionError("the relay's key does not read as a phone's: " + e.getMessage());
        }
    }

    public void sendTo(int hubPort) {
        hub = new InetSocketAddress(LOOPBACK, hubPort);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** A NAT rebinding: the same phone, keys and stream, from a new source port. */
    void rebind() throws IOException {
        socket.close();
        socket = open();
    }

    public static byte[] plainRtp(int ssrc, int seq, int timestamp) {
        ByteBuffer b = ByteBuffer.allocate(12 + PAYLOAD);
        b.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(timestamp).putInt(ssrc);
        for (int i = 0; i < PAYLOAD; i++) {
            b.put((byte) (ssrc + seq * 7 + i));
        }
        return b.array();
    }

    /** Sends RTP with this sequence number and timestamp, encrypted with the phone's key; returns the wire bytes. */
    public byte[] sendRtp(int seq, int timestamp) throws IOException {
        ByteBuffer packet = ByteBuffer.allocate(12 + PAYLOAD + 64).put(plainRtp(ssrc, seq, timestamp)).flip();
        sending.protect(packet);
        byte[] wire = Arrays.copyOf(packet.array(), packet.limit());
        sendRaw(wire);
        return wire;
    }

    /** Sends a minimal receiver report, encrypted with the phone's key, to that hub port. */
    void sendRtcp(int hubPort) throws IOException {
        ByteBuffer packet = ByteBuffer.allocate(128);
        packet.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(ssrc).flip();
        sendingRtcp.protect(packet);
        sendRaw(Arrays.copyOf(packet.array(), packet.limit()), hubPort);
    }

    public void sendRaw(byte[] wire) throws IOException {
        socket.send(new DatagramPacket(wire, wire.length, hub));
    }

    void sendRaw(byte[] wire, int port) throws IOException {
        socket.send(new DatagramPacket(wire, wire.length, new InetSocketAddress(LOOPBACK, port)));
    }

    /** The next datagram's bytes, or null after the socket's timeout. */
    public byte[] receiveRaw() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** The next RTP packet decrypted with the hub's key, or null after the timeout; fails on a bad tag. */
    public byte[] receiveRtp() throws IOException {
        byte[] wire = receiveRaw();
        if (wire == null) {
            return null;
        }
        ByteBuffer packet = ByteBuffer.wrap(wire);
        SrtpReceiver.Result result = receiving.unprotect(packet);
        if (result != SrtpReceiver.Result.OK) {
            throw new AssertionError("the hub's packet did not unprotect with the hub's key: " + result);
        }
        return Arrays.copyOf(wire, packet.limit());
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        socket.close();
    }
}
