package io.hub.phone.srtp;

import java.util.Optional;

/**
 * The SDES suites a desk phone speaks (RFC 4568 §6.2): AES-CM with a 128-bit key and HMAC-SHA1, with
 * an 80- or a 32-bit SRTP tag.
 */
public enum CryptoSuite {
    AES_CM_128_HMAC_SHA1_80(10),
    AES_CM_128_HMAC_SHA1_32(4);

    private final int tagLength;

    CryptoSuite(int tagLength) {
        this.tagLength = tagLength;
    }

    /** Bytes of the authentication tag at the end of an SRTP packet. */
    public int tagLength() {
        return tagLength;
    }

    /** The suite an {@code a=crypto} line names (case as RFC 4568 writes it), or empty. */
    public static Optional<CryptoSuite> named(String name) {
        for (CryptoSuite suite : values()) {
            if (suite.name().equals(name)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }
}
