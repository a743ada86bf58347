package io.hub.relay;

import io.hub.relay.control.NgServer;
import io.hub.relay.control.RelayCalls;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The relay on its own, driven the way rtpengine is: a {@link MediaRelay} and an ng control socket
 * ({@code ping}, {@code offer}, {@code answer}, {@code delete}, {@code query}; see {@code RelayCalls}
 * and {@code SdesOptions} in the control package for what each does). This is what {@code hub relay} runs, so a SIP proxy
 * that speaks ng (Kamailio's rtpengine module, or a benchmark) can use the hub's relay in place of
 * rtpengine.
 *
 * <p>The control socket has no authentication, as rtpengine's has none: bind it to loopback or a
 * management network only.
 */
public final class NgRelay implements AutoCloseable {

    private final MediaRelay relay;
    private final RelayCalls calls;
    private final NgServer server;

    /**
     * @param publicAddress the address written into SDP for phones to send media to
     * @throws IOException if the relay's selector or the control socket cannot be opened
     */
    public NgRelay(RelayConfig config, InetSocketAddress control, String publicAddress, Clock clock,
                   MeterRegistry registry) throws IOException {
        this(config, control, publicAddress, clock, registry, null);
    }

    /**
     * @param dtlsLegs where a WebRTC offer's DTLS-SRTP leg is made (its handshake failures delete the
     *     call), or null to refuse DTLS-SRTP offers; the caller closes it after this relay
     * @throws IOException if the relay's selector or the control socket cannot be opened
     */
    public NgRelay(RelayConfig config, InetSocketAddress control, String publicAddress, Clock clock,
                   MeterRegistry registry, DtlsSrtpLegs dtlsLegs) throws IOException {
        // The listener runs only once the relay is started, after every field here is set.
        this.relay = new MediaRelay(config, clock, registry, this::ended);
        this.calls = new RelayCalls(relay, publicAddress, clock, dtlsLegs);
        if (dtlsLegs != null) {
            dtlsLegs.onHandshake(calls::dtlsEnded);
        }
        try {
            this.server = new NgServer(control, calls, clock);
        } catch (IOException | RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    public void start() {
        relay.start();
        server.start();
    }

    /** Where the control socket listens (its real port when bound to port 0). */
    public InetSocketAddress controlAddress() {
        return server.address();
    }

    /** The engine, for its port count and sessions. */
    public MediaRelay relay() {
        return relay;
    }

    /** Calls set up through the control socket and not yet deleted or timed out. */
    public int calls() {
        return calls.size();
    }

    private void ended(DeadStream event) {
        calls.ended(event);
    }

    /** Stops answering, then releases every call and stops the relay. */
    @Override
    public void close() {
        server.close();
        relay.close();
    }
}
