package io.hub.bench.relay;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SrtpSender;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A phone whose socket belongs to the native packet pump ({@link RtpPump}): this side only knows its
 * address and port, its key and what it is connected to, and prepares the packets the pump sends for
 * it and the exact packets it must receive.
 */
final class PumpedPhone implements LoadCall.Party<PumpedPhone> {

    final int index;
    private final InetSocketAddress address;
    private final int ssrc;
    private final MasterKey ownKey;
    private InetSocketAddress relayPort;
    private MasterKey receiveKey;
    private PumpedPhone peer;

    PumpedPhone(int index, InetSocketAddress address, int ssrc, CryptoSuite suite) {
        this.index = index;
        this.address = address;
        this.ssrc = ssrc;
        this.ownKey = MasterKey.generate(suite);
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
        return address.getPort();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void connect(InetSocketAddress relayPort, MasterKey receiveKey, PumpedPhone sender) {
        this.relayPort = relayPort;
        this.receiveKey = receiveKey;
        this.peer = sender;
    }

    InetSocketAddress relayPort() {
        return relayPort;
    }

    PumpedPhone peer() {
        return peer;
    }

    int sendLength() {
        return Phone.RTP_LENGTH + ownKey.suite().tagLength();
    }

    int expectedLength() {
        return Phone.RTP_LENGTH + receiveKey.suite().tagLength();
    }

    /** This phone's packets 0 to {@code ticks - 1}, each protected under its own key, in order. */
    void sending(int ticks, Consumer<ByteBuffer> to) {
        stream(ssrc, ownKey, ticks, to);
    }

    /**
     * The packets this phone must receive: the other phone's audio protected under the key this phone
     * was given, which is what a relay that forwards (or decrypts and encrypts again) correctly sends.
     */
    void expected(int ticks, Consumer<ByteBuffer> to) {
        stream(peer.ssrc, receiveKey, ticks, to);
    }

    private static void stream(int ssrc, MasterKey key, int ticks, Consumer<ByteBuffer> to) {
        SrtpSender sender = new SrtpSender(key);
        ByteBuffer packet = ByteBuffer.allocate(Phone.RTP_LENGTH + 64);
        for (int seq = 0; seq < ticks; seq++) {
            Phone.rtp(packet, seq, ssrc);
            sender.protect(packet);
            to.accept(packet);
        }
    }
}
