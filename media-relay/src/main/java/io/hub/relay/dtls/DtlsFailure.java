package io.hub.relay.dtls;

/** Why a DTLS-SRTP leg's handshake did not give keys: one counter, log and report reason each. */
public enum DtlsFailure {
    /** The peer's certificate does not hash to the SDP's {@code a=fingerprint}: not who signalled the call. */
    FINGERPRINT_MISMATCH,
    /** The peer sent no certificate; DTLS-SRTP needs one on both ends to bind the SDP. */
    NO_CERTIFICATE,
    /** The peer offered no SRTP_AES128_CM_HMAC_SHA1_80 in use_srtp, or the server chose another profile. */
    NO_SRTP_PROFILE,
    /** The peer sent a fatal alert or broke the protocol (bad version, bad record, no common cipher). */
    PROTOCOL,
    /** The handshake did not finish within its time. */
    TIMEOUT,
    /** No handshake thread was free: too many handshakes at once on this relay. */
    BUSY
}
