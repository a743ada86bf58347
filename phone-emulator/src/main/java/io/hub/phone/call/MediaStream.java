package io.hub.phone.call;

import io.hub.phone.net.NetLoop;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A phone's audio: G.711 µ-law in 20 ms packets (160 samples, 50 a second), SRTP-protected with the
 * phone's own key and sent to where the other side's SDP said; what arrives is authenticated and
 * decrypted with the other side's key and measured ({@link ReceiveStats}). The socket is bound when
 * the phone describes its media and sending starts when the call is up. On the {@link NetLoop}.
 */
public final class MediaStream implements NetLoop.Ready {

    static final int SAMPLES_PER_PACKET = 160;
    private static final int RTP_HEADER = 12;
    private static final byte PCMU = 0;

    private final NetLoop loop;
    private final DatagramChannel channel;
    private final ReceiveStats stats = new ReceiveStats(8000);
    private final ByteBuffer out = ByteBuffer.allocate(RTP_HEADER + SAMPLES_PER_PACKET + 32);
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    private final int ssrc = ThreadLocalRandom.current().nextInt();
    private SelectionKey key;
    private SrtpSender sending;
    private SrtpReceiver receiving;
    private InetSocketAddress remote;
    private int seq = ThreadLocalRandom.current().nextInt(0x10000);
    private long timestamp = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private long sent;
    private boolean closed;

    private MediaStream(NetLoop loop, DatagramChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /**
     * Binds an even port of {@code [portMin, portMax]} on {@code local} (any free port when the range
     * is taken), as phones keep RTP on even ports.
     */
    public static MediaStream open(NetLoop loop, InetAddress local, int portMin, int portMax) throws IOException {
        loop.requireLoop();
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.configureBlocking(false);
            bind(channel, local, portMin, portMax);
            MediaStream stream = new MediaStream(loop, channel);
            stream.key = loop.register(channel, SelectionKey.OP_READ, stream);
            return stream;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void bind(DatagramChannel channel, InetAddress local, int portMin, int portMax) throws IOException {
        int span = Math.max(1, (portMax - portMin) / 2);
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = portMin + 2 * ThreadLocalRandom.current().nextInt(span);
            try {
                channel.bind(new InetSocketAddress(local, port));
                return;
            } catch (java.net.BindException taken) {
                // Try another.
            }
        }
        channel.bind(new InetSocketAddress(local, 0));
    }

    public int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    private java.net.SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the media: sends to {@code to} under {@code ownKey}, decrypts what arrives with {@code peerKey}. */
    public void start(InetSocketAddress to, MasterKey ownKey, MasterKey peerKey) {
        this.remote = to;
        this.sending = new SrtpSender(ownKey);
        this.receiving = new SrtpReceiver(peerKey);
    }

    public boolean isSending() {
        return sending != null && !closed;
    }

    /** Sends the next 20 ms packet; the {@link MediaClock} calls it. */
    void tick() {
        if (!isSending()) {
            return;
        }
        out.clear();
        out.put((byte) 0x80).put(PCMU).putShort((short) seq).putInt((int) timestamp).putInt(ssrc);
        byte[] silence = new byte[SAMPLES_PER_PACKET];
        Arrays.fill(silence, (byte) 0xff);
        // A 1 kHz-ish pattern rather than pure silence, so a relay that drops silence would show.
        for (int i = 0; i < silence.length; i += 8) {
            silence[i] = (byte) 0x80;
        }
        out.put(silence);
        out.flip();
        sending.protect(out);
        try {
            channel.send(out, remote);
            sent++;
        } catch (IOException e) {
            // A send that fails (no route, buffer full) is a lost packet, as on a real network.
        }
        seq = (seq + 1) & 0xffff;
        timestamp = (timestamp + SAMPLES_PER_PACKET) & 0xffffffffL;
    }

    @Override
    public void ready(SelectionKey selected) throws IOException {
        for (int i = 0; i < 64; i++) {
            in.clear();
            if (channel.receive(in) == null) {
                return;
            }
            long now = System.nanoTime();
            in.flip();
            if (receiving == null || in.remaining() < RTP_HEADER || (in.get(1) & 0x7f) >= 72 && (in.get(1) & 0x7f) <= 76) {
                continue; // before the call is up, or RTCP
            }
            SrtpReceiver.Result result = receiving.unprotect(in);
            if (result == SrtpReceiver.Result.OK) {
                stats.packet(in.getShort(2) & 0xffff, in.getInt(4) & 0xffffffffL, now);
            } else if (result == SrtpReceiver.Result.AUTH_FAILED) {
                stats.authFailure();
            }
        }
    }

    @Override
    public void failed(IOException e) {
        close();
    }

    /** Stops sending and receiving and reports what this side received. */
    public MediaReport close() {
        if (!closed) {
            closed = true;
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        return report();
    }

    public MediaReport report() {
        return new MediaReport(sent, stats.received(), stats.lost(), stats.lossPercent(), stats.jitterMillis(),
                stats.authFailures());
    }
}
