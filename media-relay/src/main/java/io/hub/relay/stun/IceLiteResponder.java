package io.hub.relay.stun;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub's side of ICE on one leg, as an ICE-lite agent (RFC 8445 §2.5): it never sends checks, it
 * answers the peer's Binding requests on the leg's port with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and
 * FINGERPRINT, and remembers which address proved it knows the hub's ice-pwd. That address, and only
 * that one, is where the leg's DTLS may come from (ICE consent, RFC 7675).
 *
 * <p>A request is answered only if its FINGERPRINT is right, it is a Binding request, its USERNAME is
 * this leg's {@code hubUfrag:peerUfrag} and its MESSAGE-INTEGRITY is keyed with the hub's password;
 * anything else is dropped with a {@link StunRefusal}, unanswered, so a scan learns nothing. A transaction
 * ID seen before is a retransmission when it comes again from the same address (answered again, RFC 5389
 * §7.3.1) and a replay when it comes from another one (dropped): a captured check cannot move consent.
 *
 * <p>Not thread-safe: the relay's I/O thread calls it under the session's lock.
 */
public final class IceLiteResponder {

    /** Transaction IDs kept for replay checks: a browser sends a check every few seconds. */
    static final int REMEMBERED_TRANSACTIONS = 128;

    /** What one datagram led to: a response to send back to {@code source}, or a refusal. */
    public record Outcome(StunRefusal refusal, byte[] response, boolean nominated) {

        static Outcome refused(StunRefusal refusal) {
            return new Outcome(refusal, null, false);
        }

        public boolean answered() {
            return refusal == null;
        }
    }

    private final IceCredentials credentials;
    private final Map<ByteBuffer, InetSocketAddress> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, InetSocketAddress> eldest) {
            return size() > REMEMBERED_TRANSACTIONS;
        }
    };
    private InetSocketAddress consented;
    private boolean nominated;
    private long lastConsentMillis = -1;

    public IceLiteResponder(IceCredentials credentials) {
        this.credentials = credentials;
    }

    public IceCredentials credentials() {
        return credentials;
    }

    /**
     * Handles one datagram whose first byte says STUN (RFC 7983: 0-3).
     *
     * @param nowMillis the time of the consent it may give, for {@link #lastConsentMillis}
     */
    public Outcome receive(byte[] data, int offset, int length, InetSocketAddress source, long nowMillis) {
        StunMessage request;
        try {
            request = StunMessage.parse(data, offset, length);
        } catch (StunException e) {
            return Outcome.refused(StunRefusal.MALFORMED);
        }
        if (!request.fingerprintMatches()) {
            return Outcome.refused(StunRefusal.BAD_FINGERPRINT);
        }
        if (request.type() != StunMessage.BINDING_REQUEST) {
            return Outcome.refused(StunRefusal.UNEXPECTED_TYPE);
        }
        if (!credentials.expectedUsername().equals(request.username())) {
            return Outcome.refused(StunRefusal.FOREIGN_USERNAME);
        }
        if (!request.integrityMatches(credentials.integrityKey())) {
            return Outcome.refused(StunRefusal.BAD_INTEGRITY);
        }
        ByteBuffer id = ByteBuffer.wrap(request.transactionId());
        InetSocketAddress first = seen.get(id);
        if (first != null && !first.equals(source)) {
            return Outcome.refused(StunRefusal.REPLAYED);
        }
        boolean retransmission = first != null;
        if (!retransmission) {
            seen.put(id, source);
            consented = source;
            lastConsentMillis = nowMillis;
        }
        boolean useCandidate = request.has(StunMessage.USE_CANDIDATE);
        if (useCandidate && source.equals(consented)) {
            nominated = true;
        }
        byte[] response = new StunMessageBuilder(StunMessage.BINDING_SUCCESS, request.transactionId())
                .xorMappedAddress(source)
                .build(credentials.integrityKey(), true);
        return new Outcome(null, response, useCandidate);
    }

    /** The address of the latest authenticated check, or null before the first one. */
    public InetSocketAddress consented() {
        return consented;
    }

    /** Whether the controlling peer nominated the pair (USE-CANDIDATE): ICE is complete for this leg. */
    public boolean nominated() {
        return nominated;
    }

    /** When the latest authenticated check came, or -1 before the first one. */
    public long lastConsentMillis() {
        return lastConsentMillis;
    }
}
