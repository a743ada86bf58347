package io.hub.relay;

import java.net.InetSocketAddress;

/**
 * Takes the STUN and DTLS datagrams that reach a leg's port (RFC 7983), such as a DTLS-SRTP leg's ICE-lite
 * responder and DTLS handshake; attached with {@link MediaRelay#attach}. Called on the relay's I/O thread
 * under the session's lock: it must not block, and must not wait for another thread that takes that lock.
 */
public interface LegKeying {

    /**
     * One datagram, valid in {@code data[offset, offset+length)} for the duration of the call only.
     *
     * @param kind {@link PacketKind#STUN} or {@link PacketKind#DTLS}
     */
    void received(PacketKind kind, byte[] data, int offset, int length, InetSocketAddress source);
}
