package io.hub.sip.transport;

import io.hub.pki.DeviceValidation;
import io.hub.pki.MacAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import java.util.function.Function;

/**
 * One connection a phone opened to the hub: the RFC 5626 flow. Everything the hub sends to that
 * phone goes down it, because behind NAT nothing else reaches the phone. Any thread may send:
 * sends never block, never interleave (a response and a keepalive pong stay whole), and a phone
 * that stops reading is dropped rather than buffered without limit.
 */
public final class Flow {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final FlowLink connection;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String transport;
    private final String cipherSuite;
    private final Instant openedAt;
    private final Function<Optional<MacAddress>, DeviceValidation> judge;
    private Verdict verdict;
    private volatile Instant lastHeard;
    private volatile Instant lastKeepalive;
    private volatile long idleTimeoutMillis;
    private final long defaultIdleTimeoutMillis;
    private volatile boolean trusted;
    private volatile boolean nodePeer;
    private volatile boolean linkOpenedHere;
    private volatile java.util.List<java.security.cert.X509Certificate> peerChain = java.util.List.of();
    // The flow's own request budget once trusted: the window's start and the requests in it.
    private long budgetWindowStart;
    private int budgetUsed;

    /** A verdict on the flow's certificate, for the MAC it was asked for, and when it was made. */
    private record Verdict(Optional<MacAddress> requested, DeviceValidation validation, Instant judgedAt) {
    }

    Flow(FlowLink connection, String transport, String cipherSuite, Function<Optional<MacAddress>,
            DeviceValidation> judge,
            InetSocketAddress remote, InetSocketAddress local, Instant now, long idleTimeoutMillis) {
        this.connection = connection;
        this.remote = remote;
        this.local = local;
        this.transport = transport;
        this.cipherSuite = cipherSuite;
        this.judge = judge;
        this.openedAt = now;
        this.lastHeard = now;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.defaultIdleTimeoutMillis = idleTimeoutMillis;
    }
    /** A process-unique number naming this connection. */
    public long id() {
        return id;
    }

    /** The address and port the phone's packets really come from (after NAT). */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The hub's end of the connection, for the Via of requests the hub sends down it. */
    public InetSocketAddress local() {
        return local;
    }

    /** {@code TLS}, {@code WSS} for a WebSocket on the web port, or {@code TCP} on the plain port for testers. */
    public String transport() {
        return transport;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    /**
     * The client certificate's verdict for a request that names {@code requested} (the account's
     * phone; a generic CA's certificate proves that MAC only through it); a refusal with
     * {@code no-certificate} when none was presented. A verdict is reused for at most
     * {@code maxAge}, and only for the same MAC, so a revocation reaches a live flow at its next
     * REGISTER; a connection that never registers never costs a validation.
     */
    public synchronized DeviceValidation certificate(Optional<MacAddress> requested, Instant now, Duration maxAge) {
        Verdict last = verdict;
        if (last != null && last.requested.equals(requested) && !now.isBefore(last.judgedAt)
                && !now.isAfter(last.judgedAt.plus(maxAge))) {
            return last.validation;
        }
        verdict = new Verdict(requested, judge.apply(requested), now);
        return verdict.validation;
    }

    /**
     * The certificate judged again now, for the MAC it was last judged for; empty when it never was
     * (no registration asked). For the sweep that follows revocations onto live flows.
     */
    public synchronized Optional<DeviceValidation> rejudge(Instant now) {
        if (verdict == null) {
            return Optional.empty();
        }
        verdict = new Verdict(verdict.requested, judge.apply(verdict.requested), now);
        return Optional.of(verdict.validation);
    }

    public Instant openedAt() {
        return openedAt;
    }

    public Instant lastHeard() {
        return lastHeard;
    }

    /** When the last CRLF keepalive ping arrived, or null. */
    public Instant lastKeepalive() {
        return lastKeepalive;
    }

    /** True once a phone has registered on this flow: its requests are exempt from flood control. */
    public boolean trusted() {
        return trusted;
    }

    /** The certificate chain the other end presented in the TLS handshake; empty when none. */
    public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
        return peerChain;
    }

    void peerCertificates(java.util.List<java.security.cert.X509Certificate> chain) {
        this.peerChain = java.util.List.copyOf(chain);
    }

    /**
     * True when the flow links this node with another node of the cluster (either end), not with a
     * phone: what comes down it is relayed for calls, never registered, and has no request budget.
     */
    public boolean nodePeer() {
        return nodePeer;
    }

    /**
     * The flow's other end proved itself a node of the cluster: trusted like a registered phone's
     * (no register deadline, no per-source cap) and exempt from the per-flow request budget, since it
     * carries the calls of many phones.
     */
    public void markNodePeer() {
        nodePeer = true;
        trust();
    }

    /** True for a link this node opened to another node ({@link SipServer#connectNode}), false for one accepted. */
    public boolean linkOpenedHere() {
        return linkOpenedHere;
    }

    void openedHere() {
        linkOpenedHere = true;
        markNodePeer();
    }

    /** A phone registered on this flow: exempt from flood control, the register deadline and the per-source cap. */
    public void trust() {
        if (!trusted) {
            trusted = true;
            connection.registered();
        }
    }

    /**
     * Counts one request against the flow's own budget (a registered flow is not counted per source):
     * the requests counted in the window that holds {@code nowMillis}, this one included.
     */
    synchronized int countRequest(long nowMillis, long windowMillis) {
        if (nowMillis - budgetWindowStart >= windowMillis) {
            budgetWindowStart = nowMillis;
            budgetUsed = 0;
        }
        return ++budgetUsed;
    }

    /** Seconds until the flow's budget window ends, for Retry-After. */
    synchronized long budgetRetryAfterSeconds(long nowMillis, long windowMillis) {
        return Math.max(1, (windowMillis - (nowMillis - budgetWindowStart) + 999) / 1000);
    }

    /** Closes the flow for a refusal of the transport's, counted under {@code reason}. */
    void refuse(String why, RefusalReason reason) {
        connection.close(why, reason);
    }

    /** Closed at once, while its handler is held on its turn: see {@link FlowLink#drop}. */
    void drop(String why, RefusalReason reason) {
        connection.drop(why, reason);
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /**
     * How long the flow may stay silent before it is closed. A registration that negotiated
     * RFC 5626 outbound shortens it to the Flow-Timer plus grace.
     */
    public void idleTimeout(long millis) {
        this.idleTimeoutMillis = millis;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** The idle timeout the flow was opened with, before any registration changed it. */
    public long idleTimeoutDefault() {
        return defaultIdleTimeoutMillis;
    }

    void heard(Instant now, boolean keepalive) {
        lastHeard = now;
        if (keepalive) {
            lastKeepalive = now;
        }
    }

    /**
     * Writes one message down the flow without blocking: what the socket does not take at once is
     * queued and written by the flow's selector thread.
     *
     * @return false when the flow is gone, or was dropped just now because its queue passed the
     *     bound (a phone that does not read)
     */
    /** The connection under this flow. */
    FlowLink link() {
        return connection;
    }

    public boolean send(byte[] bytes) {
        return connection.send(bytes);
    }

    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the flow: messages already received are handled, then the handler hears of it. */
    public void close() {
        connection.close("closed by the hub", null);
    }

    @Override
    public String toString() {
        return "flow#" + id + " " + transport + " " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
