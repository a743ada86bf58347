package io.hub.relay.dtls;

import io.hub.relay.LegPort;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelaySession;
import io.hub.relay.Side;
import io.hub.relay.stun.IceCredentials;
import io.hub.relay.stun.IceLiteResponder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DTLS-SRTP legs on a {@link MediaRelay}: the hub's one certificate (its fingerprint goes in every
 * DTLS answer), the threads that run handshakes, the meters, and the listener told how each ended.
 *
 * <p>Use: allocate the session with the DTLS leg as a termination leg with rtcp-mux and no keys
 * ({@code LegSpec.termination(true, sdpAddress, null, null)}), then {@link #attach} it here; the leg gets
 * its keys when the handshake ends, and until then its media is dropped as having no key.
 *
 * <p>Handshakes run on at most {@code maxHandshakes} threads at once; one more is refused as
 * {@link DtlsFailure#BUSY} and the peer's retransmission tries again, so a crowd of handshakes never
 * holds the relay's I/O thread.
 */
public final class DtlsSrtpLegs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSrtpLegs.class);
    /** Long enough for a lossy path's retransmissions; a browser gives up before this too. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 20_000;

    private final HubCertificate certificate;
    private final Clock clock;
    private final DtlsMetrics metrics;
    private final List<DtlsLegListener> listeners = new CopyOnWriteArrayList<>();
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final ThreadPoolExecutor handshakes;

    public DtlsSrtpLegs(HubCertificate certificate, Clock clock, MeterRegistry registry, DtlsLegListener listener,
                        int maxHandshakes) {
        this.certificate = certificate;
        this.clock = clock;
        this.metrics = new DtlsMetrics(registry);
        this.listeners.add(listener);
        AtomicInteger count = new AtomicInteger();
        this.handshakes = new ThreadPoolExecutor(0, maxHandshakes, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "hub-relay-dtls-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Legs whose handshake ends are told only to the listeners added with {@link #onHandshake}: the one
     * instance a hub makes serves whichever call side (B2BUA, ng) subscribes to it.
     */
    public DtlsSrtpLegs(HubCertificate certificate, Clock clock, MeterRegistry registry, int maxHandshakes) {
        this(certificate, clock, registry, report -> { }, maxHandshakes);
    }

    /**
     * Handshakes a hub process runs at once; more wait for the peer's retransmission. Each costs a thread
     * for a few round trips, so a burst of browsers calling is served in turn while the relay's I/O
     * thread stays free.
     */
    public static final int HUB_MAX_HANDSHAKES = 16;

    /**
     * The one set of legs a hub process makes, for whichever side drives its relay: the B2BUA
     * ({@code hub serve}) or the ng control ({@code hub relay}). Its certificate is made now, as a
     * browser makes its own: only its fingerprint in the hub's SDP binds it (RFC 5763 §5), which the
     * SIP-TLS server certificate would not make any stronger, and a fresh key per run is never shared
     * with SIP's. The caller closes them.
     */
    public static DtlsSrtpLegs withFreshCertificate(Clock clock, MeterRegistry registry) {
        return new DtlsSrtpLegs(HubCertificate.generate(clock), clock, registry, HUB_MAX_HANDSHAKES);
    }

    /**
     * Tells {@code listener} too of every handshake that ends from now on. Each listener picks the
     * reports of its own calls by call id; one that throws is logged and does not stop the others.
     */
    public void onHandshake(DtlsLegListener listener) {
        listeners.add(listener);
    }

    /** What the hub's DTLS answers put in {@code a=fingerprint}. */
    public Fingerprint fingerprint() {
        return certificate.fingerprint();
    }

    /**
     * Makes {@code side} of {@code session} a DTLS-SRTP leg: its STUN and DTLS come here from now on.
     *
     * @param peerFingerprint the peer SDP's {@code a=fingerprint}
     * @param ice the leg's ICE credentials, or null when the peer's SDP has no ice-ufrag (DTLS then comes
     *     from any address that passes the cookie exchange, and the fingerprint alone authenticates it)
     * @param peerAddress where the hub as client sends its ClientHello on a leg without ICE; ignored otherwise
     * @throws IllegalArgumentException if the session is passthrough
     */
    public DtlsSrtpLeg attach(MediaRelay relay, RelaySession session, Side side, DtlsRole role,
                              Fingerprint peerFingerprint, IceCredentials ice, InetSocketAddress peerAddress) {
        DtlsSrtpLeg leg = create(relay.legPort(session, side), role, peerFingerprint, ice);
        relay.attach(session, side, leg);
        if (ice == null && peerAddress != null) {
            leg.connect(peerAddress);
        }
        LOG.info("relay call {} leg {}: DTLS-SRTP as {}{}", session.callId(), side, role, ice == null ? " without ICE" : "");
        return leg;
    }

    /**
     * A new DTLS association on a leg that has one (a re-offer or its answer changed the peer's
     * fingerprint or the roles, RFC 8842 §5.5): {@code old} is retired, a new leg takes the port's STUN
     * and DTLS, and the old SRTP keys stay in force until the new handshake hands on its own. When the
     * ICE credentials are the same the responder goes over to the new leg with its consent, so the
     * browser's new ClientHello is taken without waiting for its next check; as client, the hub then
     * starts the handshake at once.
     */
    public DtlsSrtpLeg renew(MediaRelay relay, RelaySession session, Side side, DtlsSrtpLeg old, DtlsRole role,
                             Fingerprint peerFingerprint, IceCredentials ice, InetSocketAddress peerAddress) {
        IceLiteResponder kept = old.ice() != null && old.ice().credentials().equals(ice) ? old.ice() : null;
        IceLiteResponder responder = kept != null ? kept : ice == null ? null : new IceLiteResponder(ice);
        old.retire();
        DtlsSrtpLeg leg = new DtlsSrtpLeg(this, relay.legPort(session, side), role, peerFingerprint, responder);
        relay.attach(session, side, leg);
        if (responder != null && responder.consented() != null) {
            leg.connect(responder.consented());
        } else if (ice == null && peerAddress != null) {
            leg.connect(peerAddress);
        }
        LOG.info("relay call {} leg {}: new DTLS association as {}", session.callId(), side, role);
        return leg;
    }

    /** A leg on any {@link LegPort}: {@link #attach} for the relay's, a test's own otherwise. */
    public DtlsSrtpLeg create(LegPort port, DtlsRole role, Fingerprint peerFingerprint, IceCredentials ice) {
        return new DtlsSrtpLeg(this, port, role, peerFingerprint, ice == null ? null : new IceLiteResponder(ice));
    }

    /** Stops the handshake threads; handshakes under way end as timed out. */
    @Override
    public void close() {
        handshakes.shutdownNow();
    }

    void ended(DtlsLegReport report) {
        for (DtlsLegListener listener : listeners) {
            try {
                listener.handshakeEnded(report);
            } catch (RuntimeException e) {
                LOG.warn("relay call {} leg {}: DTLS listener failed: {}", report.callId(), report.side(),
                        e.toString());
            }
        }
    }

    HubCertificate certificate() {
        return certificate;
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    Clock clock() {
        return clock;
    }

    DtlsMetrics metrics() {
        return metrics;
    }

    ThreadPoolExecutor handshakes() {
        return handshakes;
    }

    int handshakeTimeoutMillis() {
        return HANDSHAKE_TIMEOUT_MILLIS;
    }
}
