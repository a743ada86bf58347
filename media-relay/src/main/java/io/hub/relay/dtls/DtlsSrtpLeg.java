package io.hub.relay.dtls;

import io.hub.relay.LegKeying;
import io.hub.relay.LegPort;
import io.hub.relay.PacketKind;
import io.hub.relay.stun.IceCredentials;
import io.hub.relay.stun.IceLiteResponder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS-SRTP leg (RFC 5763/5764) on a relay port: the ICE-lite responder for its STUN, and one DTLS
 * 1.2 handshake whose exported keys become the leg's SRTP keys. Media on the port is the relay's own
 * business; this class sees only STUN and DTLS (RFC 7983).
 *
 * <p>As server with ICE, DTLS is taken only from the address that passed a check keyed with the hub's
 * ice-pwd, and its first handshake record starts the handshake (see {@link #startChecked}). Without ICE,
 * a ClientHello is first answered with a stateless HelloVerifyRequest cookie on the I/O thread (RFC 6347
 * §4.2.1): a flood of ClientHellos, spoofed or not, costs an HMAC each and keeps no state, and only a
 * peer that can receive at its address starts the one handshake the leg runs. The handshake itself
 * blocks, so it runs on a thread of {@link DtlsSrtpLegs}, fed by a bounded queue, and never on the I/O
 * thread; the leg's state is volatile, and the leg takes no lock of its own, so the handshake thread may
 * call into the relay's session while the I/O thread holds its lock in {@link #received}.
 */
public final class DtlsSrtpLeg implements LegKeying {

    /** What the calls views name a DTLS-SRTP leg; an SDES leg is {@value #SDES_KIND}. */
    public static final String KIND = "DTLS-SRTP";
    public static final String SDES_KIND = "SDES";

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSrtpLeg.class);

    /** Where the leg's handshake is. */
    public enum State { WAITING, HANDSHAKING, ESTABLISHED, FAILED }

    private final DtlsSrtpLegs owner;
    private final LegPort port;
    private final DtlsRole role;
    private final Fingerprint expected;
    private final DTLSVerifier verifier;
    /** Replaced on an ICE restart: the I/O thread reads it once per datagram. */
    private volatile IceLiteResponder ice;
    /** Set when a re-offer replaced this leg with a new association: its handshake no longer counts. */
    private volatile boolean retired;
    private volatile State state = State.WAITING;
    private volatile LegDatagramTransport transport;
    private volatile DtlsLegReport report;

    DtlsSrtpLeg(DtlsSrtpLegs owner, LegPort port, DtlsRole role, Fingerprint expected, IceLiteResponder ice) {
        this.owner = owner;
        this.port = port;
        this.role = role;
        this.expected = expected;
        this.ice = ice;
        this.verifier = role == DtlsRole.SERVER ? new DTLSVerifier(owner.crypto()) : null;
    }

    public State state() {
        return state;
    }

    public DtlsRole role() {
        return role;
    }

    /** The ICE-lite responder, or null on a leg without ICE. */
    public IceLiteResponder ice() {
        return ice;
    }

    /**
     * An ICE restart (RFC 8445 §9): from now on only checks with the new credentials are answered, and
     * consent starts again with them. The DTLS association and its SRTP keys stay.
     */
    public void restartIce(IceCredentials credentials) {
        ice = new IceLiteResponder(credentials);
        LOG.info("relay call {} leg {}: ICE restarted as {}", port.callId(), port.side(), credentials);
    }

    /**
     * A re-offer replaced this leg with a new DTLS association ({@link DtlsSrtpLegs#renew}): a handshake
     * still running here neither hands its keys to the relay nor reports to the call side.
     */
    void retire() {
        retired = true;
    }

    /**
     * The leg as the calls views show it (the B2BUA's {@code /admin/v1/calls}, ng's {@code query}):
     * {@code kind} DTLS-SRTP, the hub's DTLS {@code role}, the handshake's {@code state},
     * {@code outcome} (ok or the {@link DtlsFailure} in lower case, absent while it runs) and
     * {@code handshakeMs}, and {@code ice}: none (a leg without ICE), waiting (no authenticated check
     * yet), connected (checked) or nominated (the browser's USE-CANDIDATE). No key or password.
     */
    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("kind", KIND);
        figures.put("role", role.name().toLowerCase(Locale.ROOT));
        figures.put("state", state.name().toLowerCase(Locale.ROOT));
        DtlsLegReport ended = report;
        if (ended != null) {
            figures.put("outcome", ended.established() ? "ok" : ended.failure().name().toLowerCase(Locale.ROOT));
            figures.put("handshakeMs", ended.handshakeTime() == null ? null : ended.handshakeTime().toMillis());
        }
        IceLiteResponder responder = ice;
        figures.put("ice", responder == null ? "none" : responder.nominated() ? "nominated"
                : responder.consented() != null ? "connected" : "waiting");
        return figures;
    }

    /** How the handshake ended, or null while it has not. */
    public DtlsLegReport report() {
        return report;
    }

    @Override
    public void received(PacketKind kind, byte[] data, int offset, int length, InetSocketAddress source) {
        if (kind == PacketKind.STUN) {
            stun(data, offset, length, source);
        } else if (kind == PacketKind.DTLS) {
            dtls(data, offset, length, source);
        }
    }

    /**
     * The hub as client starts its handshake toward {@code peer}: the address that passed ICE, or the
     * SDP's address on a leg without ICE. Does nothing unless the leg is a waiting client.
     */
    public void connect(InetSocketAddress peer) {
        if (role != DtlsRole.CLIENT || state != State.WAITING) {
            return;
        }
        start(peer, null);
    }

    private void stun(byte[] data, int offset, int length, InetSocketAddress source) {
        IceLiteResponder ice = this.ice;
        if (ice == null) {
            owner.metrics().stunDropped(io.hub.relay.stun.StunRefusal.UNEXPECTED_TYPE);
            return;
        }
        IceLiteResponder.Outcome outcome = ice.receive(data, offset, length, source, owner.clock().millis());
        if (!outcome.answered()) {
            owner.metrics().stunDropped(outcome.refusal());
            LOG.debug("relay call {} leg {}: STUN from {} dropped: {}", port.callId(), port.side(), source, outcome.refusal());
            return;
        }
        port.send(outcome.response(), 0, outcome.response().length, source);
        owner.metrics().stunAnswered();
        if (role == DtlsRole.CLIENT && state == State.WAITING) {
            connect(ice.consented());
        }
    }

    private void dtls(byte[] data, int offset, int length, InetSocketAddress source) {
        switch (state) {
            case HANDSHAKING -> {
                LegDatagramTransport running = transport;
                if (!source.equals(running.peer())) {
                    owner.metrics().dtlsDropped(DtlsDrop.FOREIGN_SOURCE);
                } else {
                    feed(running, data, offset, length);
                }
            }
            case WAITING -> {
                if (role == DtlsRole.CLIENT) {
                    owner.metrics().dtlsDropped(DtlsDrop.UNEXPECTED);
                    return;
                }
                IceLiteResponder checked = ice;
                if (checked != null && !source.equals(checked.consented())) {
                    owner.metrics().dtlsDropped(DtlsDrop.NO_CONSENT);
                    return;
                }
                List<Integer> versions = ClientHelloVersions.offered(data, offset, length);
                if (versions != null && !ClientHelloVersions.includesDtls12(versions)) {
                    refuseVersions(versions, source);
                    return;
                }
                if (ice != null) {
                    startChecked(source, data, offset, length);
                    return;
                }
                DTLSRequest request = verifier.verifyRequest(clientId(source), data, offset, length,
                        new org.bouncycastle.tls.DatagramSender() {
                            @Override
                            public int getSendLimit() {
                                return 1200;
                            }

                            @Override
                            public void send(byte[] buf, int off, int len) {
                                port.send(buf, off, len, source);
                            }
                        });
                if (request == null) {
                    owner.metrics().dtlsDropped(DtlsDrop.COOKIE_EXCHANGE);
                    return;
                }
                start(source, request);
            }
            default -> owner.metrics().dtlsDropped(DtlsDrop.UNEXPECTED);
        }
    }

    /**
     * A ClientHello without DTLS 1.2 (a DTLS 1.3-only client): refused before any state is kept, with
     * the fatal protocol_version alert RFC 8446 §4.2.1 names, and the leg fails with its reason. A
     * DTLS 1.3 client would not answer the HelloVerifyRequest of 1.2 anyway, so without this it would
     * only retransmit until the call side gave up, with nothing to say why.
     */
    private void refuseVersions(List<Integer> versions, InetSocketAddress source) {
        port.send(PROTOCOL_VERSION_ALERT, 0, PROTOCOL_VERSION_ALERT.length, source);
        state = State.FAILED;
        LOG.warn("relay call {} leg {}: DTLS from {} refused: its ClientHello offers {}, not DTLS 1.2",
                port.callId(), port.side(), source, versions.stream().map(ClientHelloVersions::name).toList());
        // The call side ends the call on this report, which takes the session's lock and the relay's
        // loop: not on this I/O thread, which holds that lock now.
        Runnable report = () -> finish(DtlsFailure.UNSUPPORTED_VERSION, source, Duration.ZERO);
        try {
            owner.handshakes().execute(report);
        } catch (RejectedExecutionException busy) {
            java.util.concurrent.ForkJoinPool.commonPool().execute(report);
        }
    }

    /**
     * A leg with ICE takes DTLS only from the address whose latest check carried MESSAGE-INTEGRITY keyed
     * with the hub's ice-pwd, so that address already proved it receives there: the cookie exchange would
     * prove it again, and Bouncy Castle's {@link DTLSVerifier} takes a ClientHello in one datagram only,
     * which Chromium's, with its post-quantum key share, is not. The handshake starts on the first
     * handshake record and reassembles the fragments itself; what it buffers stays bounded by the
     * transport's queue, the relay's datagram size and {@link HandshakeRecords#MAX_MESSAGE}.
     */
    private void startChecked(InetSocketAddress source, byte[] data, int offset, int length) {
        if (!HandshakeRecords.startsWithHandshake(data, offset, length)) {
            owner.metrics().dtlsDropped(DtlsDrop.UNEXPECTED);
            return;
        }
        if (!HandshakeRecords.withinBounds(data, offset, length)) {
            owner.metrics().dtlsDropped(DtlsDrop.OVERSIZED);
            return;
        }
        start(source, null);
        if (state == State.HANDSHAKING) {
            feed(transport, data, offset, length);
        }
    }

    private void feed(LegDatagramTransport running, byte[] data, int offset, int length) {
        if (!HandshakeRecords.withinBounds(data, offset, length)) {
            owner.metrics().dtlsDropped(DtlsDrop.OVERSIZED);
        } else if (!running.offer(data, offset, length)) {
            owner.metrics().dtlsDropped(DtlsDrop.QUEUE_FULL);
        }
    }

    private void start(InetSocketAddress peer, DTLSRequest request) {
        LegDatagramTransport handshakeTransport = new LegDatagramTransport(port, peer);
        transport = handshakeTransport;
        state = State.HANDSHAKING;
        long started = owner.clock().millis();
        try {
            owner.handshakes().execute(() -> handshake(handshakeTransport, request, started));
        } catch (RejectedExecutionException e) {
            // Every handshake thread is busy: the peer's retransmitted ClientHello tries again.
            handshakeTransport.close();
            state = State.WAITING;
            owner.metrics().handshake(DtlsFailure.BUSY, Duration.ZERO);
            LOG.warn("relay call {} leg {}: no DTLS handshake thread free for {}", port.callId(), port.side(), peer);
        }
    }

    private void handshake(LegDatagramTransport handshakeTransport, DTLSRequest request, long started) {
        PeerCheck check = new PeerCheck(expected);
        DtlsFailure failure = null;
        try {
            if (role == DtlsRole.SERVER) {
                new DTLSServerProtocol().accept(new HubDtlsServer(owner.crypto(), owner.certificate(), check,
                        owner.handshakeTimeoutMillis()), handshakeTransport, request);
            } else {
                new DTLSClientProtocol().connect(new HubDtlsClient(owner.crypto(), owner.certificate(), check,
                        owner.handshakeTimeoutMillis()), handshakeTransport);
            }
            if (check.keys() == null) {
                failure = DtlsFailure.PROTOCOL;
            }
        } catch (TlsTimeoutException e) {
            failure = check.failure() != null ? check.failure() : DtlsFailure.TIMEOUT;
        } catch (IOException | RuntimeException e) {
            failure = check.failure() != null ? check.failure() : versionRefused(e) ? DtlsFailure.UNSUPPORTED_VERSION
                    : DtlsFailure.PROTOCOL;
            LOG.debug("relay call {} leg {}: DTLS handshake with {} failed: {}", port.callId(), port.side(),
                    handshakeTransport.peer(), e.toString());
        } finally {
            handshakeTransport.close();
        }
        Duration time = Duration.ofMillis(Math.max(0, owner.clock().millis() - started));
        if (retired) {
            state = failure == null ? State.ESTABLISHED : State.FAILED;
            LOG.info("relay call {} leg {}: DTLS handshake of a replaced association ended ({}), not used",
                    port.callId(), port.side(), failure == null ? "ok" : failure);
            return;
        }
        if (failure == null) {
            port.keys(check.keys().inbound(role), check.keys().outbound(role));
            state = State.ESTABLISHED;
            LOG.info("relay call {} leg {}: DTLS-SRTP established with {} as {} in {} ms", port.callId(), port.side(),
                    handshakeTransport.peer(), role, time.toMillis());
        } else {
            state = State.FAILED;
            LOG.warn("relay call {} leg {}: DTLS handshake with {} refused: {}", port.callId(), port.side(),
                    handshakeTransport.peer(), failure);
        }
        finish(failure, handshakeTransport.peer(), time);
    }

    private void finish(DtlsFailure failure, InetSocketAddress peer, Duration time) {
        owner.metrics().handshake(failure, time);
        DtlsLegReport ended = new DtlsLegReport(port.callId(), port.side(), role, peer, failure, time);
        report = ended;
        if (!retired) {
            owner.ended(ended);
        }
    }

    /** A protocol_version alert, sent or received: the two ends have no DTLS version in common. */
    private static boolean versionRefused(Exception e) {
        return e instanceof TlsFatalAlert alert && alert.getAlertDescription() == AlertDescription.protocol_version
                || e instanceof TlsFatalAlertReceived received
                        && received.getAlertDescription() == AlertDescription.protocol_version;
    }

    /** A fatal protocol_version alert in a DTLS 1.2 record of epoch 0 (RFC 6347 §4.1, RFC 5246 §7.2). */
    private static final byte[] PROTOCOL_VERSION_ALERT = {
        21, (byte) 0xFE, (byte) 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, (byte) AlertDescription.protocol_version};

    /** The cookie binds the ClientHello to the address it came from. */
    private static byte[] clientId(InetSocketAddress source) {
        byte[] ip = source.getAddress().getAddress();
        byte[] id = new byte[ip.length + 2];
        System.arraycopy(ip, 0, id, 0, ip.length);
        id[ip.length] = (byte) (source.getPort() >>> 8);
        id[ip.length + 1] = (byte) source.getPort();
        return id;
    }
}
