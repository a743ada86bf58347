package io.hub.relay.dtls;

/**
 * Told once per leg when its DTLS handshake ends, on the handshake's thread. A call side ends the call
 * on a failed report (a fingerprint mismatch is someone else on the media path); it must not block.
 */
@FunctionalInterface
public interface DtlsLegListener {

    void handshakeEnded(DtlsLegReport report);
}
