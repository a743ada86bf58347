package io.hub.relay;

/**
 * What a datagram on a relay port is, told by its first byte alone (RFC 7983 §7): one port carries
 * STUN, DTLS and SRTP/SRTCP on a DTLS-SRTP leg, and those ranges never overlap.
 */
public enum PacketKind {
    /** 0-3: STUN (ICE checks). */
    STUN,
    /** 20-63: DTLS records (the handshake, alerts). */
    DTLS,
    /** 128-191: RTP or RTCP, version 2. */
    MEDIA,
    /** ZRTP (16-19), TURN channels (64-79) and everything unassigned: dropped. */
    OTHER;

    public static PacketKind of(int firstByte) {
        int b = firstByte & 0xff;
        if (b <= 3) {
            return STUN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            return MEDIA;
        }
        return OTHER;
    }
}
