package io.hub.bench.relay;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One emulated phone's media: a UDP socket connected to its relay port, G.711 RTP of 172 bytes
 * (12-byte header, 160 bytes of 20 ms audio) encrypted under its own SRTP key, and what it receives
 * decrypted under the key its SDP answer or offer gave it. Only the sender thread calls
 * {@link #send}, only the receiver thread {@link #receive}; the send times cross between them
 * through an atomic ring.
 */
final class Phone implements LoadCall.Party<Phone>, AutoCloseable {

    static final int PAYLOAD = 160;
    static final int RTP_LENGTH = 12 + PAYLOAD;
    /** Near-silence in µ-law: every phone's 20 ms of audio. */
    private static final byte[] AUDIO = new byte[PAYLOAD];

    static {
        for (int i = 0; i < PAYLOAD; i++) {
            AUDIO[i] = (byte) (0xff - (i & 0x0f));
        }
    }

    /** Send times kept per sequence number: 20 s at 50 packets/s, far beyond any packet worth waiting for. */
    private static final int RING = 1024;

    final DatagramChannel channel;
    final MasterKey ownKey;
    final int ssrc;
    private SrtpSender sending;
    private SrtpReceiver receiving;
    private Phone peer;
    private final AtomicLongArray sentNanos = new AtomicLongArray(RING);
    private final ByteBuffer out = ByteBuffer.allocate(RTP_LENGTH + 64);
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    long sentInWindow;
    long sendFailures;
    long receivedInWindow;
    long rejected;

    Phone(InetAddress address, int ssrc, CryptoSuite suite) throws IOException {
        this.ssrc = ssrc;
        this.ownKey = MasterKey.generate(suite);
        this.sending = new SrtpSender(ownKey);
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(address, 0));
    }

    /** Puts the plain RTP packet {@code seq} of the stream {@code ssrc} into {@code out}, ready to protect. */
    static void rtp(ByteBuffer out, int seq, int ssrc) {
        out.clear();
        out.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * PAYLOAD).putInt(ssrc).put(AUDIO);
        out.flip();
    }

    @Override
    public int ssrc() {
        return ssrc;
    }

    @Override
    public MasterKey ownKey() {
        return ownKey;
    }

    @Override
    public int port() {
        return channel.socket().getLocalPort();
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.socket().getLocalSocketAddress();
    }

    /**
     * From now on this phone sends under {@code key} instead of its own: a DTLS-SRTP phone's key comes
     * from its handshake. Called before the sender thread starts.
     */
    void sendWith(MasterKey key) {
        sending = new SrtpSender(key);
    }

    /** Where to send, the key to decrypt with, and whose stream arrives here (for its send times). */
    @Override
    public void connect(InetSocketAddress relayPort, MasterKey receiveKey, Phone sender) throws IOException {
        channel.connect(relayPort);
        channel.configureBlocking(false);
        receiving = new SrtpReceiver(receiveKey);
        peer = sender;
    }

    /** Sends packet {@code seq}; counted when {@code inWindow}. Returns false when the socket refused it. */
    boolean send(int seq, boolean inWindow) {
        rtp(out, seq, ssrc);
        sending.protect(out);
        sentNanos.setRelease(seq & (RING - 1), System.nanoTime());
        try {
            if (channel.write(out) > 0) {
                if (inWindow) {
                    sentInWindow++;
                }
                return true;
            }
        } catch (IOException e) {
            // ICMP unreachable from a relay port that is gone: the packet is lost like any other.
        }
        sendFailures++;
        return false;
    }

    /**
     * Reads what is waiting; each packet that decrypts and whose sequence number is in the window
     * counts as received, with its one-way time through the relay added to {@code latencies}.
     */
    void receive(Window window, Latencies latencies) throws IOException {
        while (true) {
            in.clear();
            int length;
            try {
                length = channel.read(in);
            } catch (IOException e) {
                continue; // an ICMP error queued on the socket; the next read has the data
            }
            if (length <= 0) {
                return;
            }
            long now = System.nanoTime();
            in.flip();
            if (length < 12) {
                rejected++;
                continue;
            }
            int seq = in.getShort(2) & 0xffff;
            if (receiving.unprotect(in) != SrtpReceiver.Result.OK || in.getInt(8) != peer.ssrc) {
                rejected++;
                continue;
            }
            if (window.contains(seq)) {
                receivedInWindow++;
                latencies.add(now - peer.sentNanos.getAcquire(seq & (RING - 1)));
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The sequence numbers whose packets are measured. */
    record Window(int first, int last) {
        boolean contains(int seq) {
            return seq >= first && seq <= last;
        }
    }
}
