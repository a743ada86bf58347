package io.hub.relay;

import io.hub.relay.srtp.SdesKey;
import java.net.InetSocketAddress;

/**
 * One leg's port as a keying protocol sees it: it sends from the port the peer's media reaches, and
 * hands the SRTP keys it agreed to the relay's termination. {@link MediaRelay#legPort} makes one.
 */
public interface LegPort {

    String callId();

    Side side();

    /** The hub's port of this leg (RTP and RTCP share it on a DTLS-SRTP leg, rtcp-mux). */
    int localPort();

    /**
     * Sends one datagram from the leg's port; a datagram the system refuses is lost, as UDP may lose
     * it anyway (DTLS retransmits). Thread-safe.
     */
    void send(byte[] data, int offset, int length, InetSocketAddress destination);

    /**
     * The keys of the leg from now on: {@code inbound} unprotects what the peer sends, {@code outbound}
     * protects what the hub sends it. Thread-safe.
     */
    void keys(SdesKey inbound, SdesKey outbound);
}
