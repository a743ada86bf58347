package io.hub.relay.dtls;

import io.hub.relay.LegPort;
import io.hub.relay.Side;
import io.hub.relay.srtp.SdesKey;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The relay's own leg port, with the keys it is handed kept for the test to compare. */
final class CapturingPort implements LegPort {

    private final LegPort relay;
    final BlockingQueue<SdesKey[]> keys = new LinkedBlockingQueue<>();

    CapturingPort(LegPort relay) {
        this.relay = relay;
    }

    @Override
    public String callId() {
        return relay.callId();
    }

    @Override
    public Side side() {
        return relay.side();
    }

    @Override
    public int localPort() {
        return relay.localPort();
    }

    @Override
    public void send(byte[] data, int offset, int length, InetSocketAddress destination) {
        relay.send(data, offset, length, destination);
    }

    @Override
    public void keys(SdesKey inbound, SdesKey outbound) {
        keys.add(new SdesKey[] {inbound, outbound});
        relay.keys(inbound, outbound);
    }
}
