package io.hub.relay.dtls;

/** Why a DTLS-SRTP leg's handshake did not give keys: one counter, log and report reason each. */
public enum DtlsFailure {
    /** The peer's certificate does not hash to the SDP's {@code a=fingerprint}: not who signalled the call. */
    FINGERPRINT_MISMATCH,
    /** The peer sent no certificate; DTLS-SRTP needs one on both ends to bind the SDP. */
    NO_CERTIFICATE,
    /** The peer offered no SRTP_AES128_CM_HMAC_SHA1_80 in use_srtp, or the server chose another profile. */
    NO_SRTP_PROFILE,
    /**
     * The peer offers no DTLS 1.2, the one version the hub speaks (a DTLS 1.3-only client), or answers
     * the hub's ClientHello with protocol_version; a browser that offers 1.3 and 1.2 gets 1.2.
     */
    UNSUPPORTED_VERSION,
    /** The peer sent a fatal alert or broke the protocol (bad version, bad record, no common cipher). */
    PROTOCOL,
    /** The handshake did not finish within its time. */
    TIMEOUT,
    /** No handshake thread was free: too many handshakes at once on this relay. */
    BUSY
}
