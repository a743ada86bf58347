package io.hub.app.relay;

import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.dtls.HubCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The one {@link DtlsSrtpLegs} a hub process makes, for whichever side drives its relay: the B2BUA
 * ({@code hub serve}) or the ng control ({@code hub relay}). Its certificate is made at start-up, as a
 * browser makes its own: only its fingerprint in the hub's SDP binds it (RFC 5763 §5), which the SIP-TLS
 * server certificate would not make any stronger, and a fresh key per run is never shared with SIP's.
 */
public final class RelayDtls {

    /**
     * Handshakes at once; more wait for the peer's retransmission. Each costs a thread for a few round
     * trips, so a burst of browsers calling is served in turn while the relay's I/O thread stays free.
     */
    static final int MAX_HANDSHAKES = 16;

    private RelayDtls() {
    }

    /** DTLS-SRTP legs with a fresh certificate, their meters on {@code metrics}; the caller closes them. */
    public static DtlsSrtpLegs legs(Clock clock, MeterRegistry metrics) {
        return new DtlsSrtpLegs(HubCertificate.generate(clock), clock, metrics, MAX_HANDSHAKES);
    }
}
