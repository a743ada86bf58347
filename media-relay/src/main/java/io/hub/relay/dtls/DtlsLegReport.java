package io.hub.relay.dtls;

import io.hub.relay.Side;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a DTLS-SRTP leg's handshake ended, for the call side (end the call on a failure), the calls API
 * and the log. Carries no key.
 *
 * @param failure null when the keys were agreed and handed to the relay
 * @param handshakeTime from the handshake's first datagram to its end, by the injected clock
 */
public record DtlsLegReport(String callId, Side side, DtlsRole role, InetSocketAddress peer, DtlsFailure failure,
                            Duration handshakeTime) {

    public boolean established() {
        return failure == null;
    }
}
