package io.hub.relay.srtp;

/**
 * The SDES crypto suites the relay speaks (RFC 4568 §6.2): AES in counter mode with a 128-bit key and
 * HMAC-SHA1, differing only in the length of the SRTP authentication tag. SRTCP keeps the 80-bit tag
 * in both suites (RFC 4568 §6.2.2), because RTCP is rare enough that its overhead does not matter.
 */
public enum SrtpSuite {
    AES_CM_128_HMAC_SHA1_80(10),
    AES_CM_128_HMAC_SHA1_32(4);

    /** Bytes of master key and master salt for both suites (RFC 3711 §8.2). */
    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    static final int AUTH_KEY_LENGTH = 20;
    static final int SRTCP_TAG_LENGTH = 10;

    private final int rtpTagLength;

    SrtpSuite(int rtpTagLength) {
        this.rtpTagLength = rtpTagLength;
    }

    public int rtpTagLength() {
        return rtpTagLength;
    }

    public int rtcpTagLength() {
        return SRTCP_TAG_LENGTH;
    }

    /**
     * The suite of an {@code a=crypto} line.
     *
     * @throws SdesKeyException if the name is not one of this enum's, naming it
     */
    public static SrtpSuite forName(String name) throws SdesKeyException {
        for (SrtpSuite suite : values()) {
            if (suite.name().equals(name)) {
                return suite;
            }
        }
        throw new SdesKeyException("unsupported crypto suite " + name);
    }
}
