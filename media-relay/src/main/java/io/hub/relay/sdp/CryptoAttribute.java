package io.hub.relay.sdp;

import java.util.Set;

/**
 * An SDES {@code a=crypto} value (RFC 4568): {@code <tag> <suite> <key-params> [<session-params>]}.
 *
 * @param keyParams such as {@code inline:<base64 key||salt>[|lifetime][|MKI:length]}
 */
public record CryptoAttribute(int tag, String suite, String keyParams, String sessionParams) {

    /** The suites the relay speaks. */
    public static final Set<String> SUPPORTED = Set.of("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32");

    public static CryptoAttribute parse(String value) throws SdpException {
        String[] parts = value.strip().split("\\s+", 4);
        if (parts.length < 3) {
            throw new SdpException("a=crypto:" + value + " is not <tag> <suite> <key-params>");
        }
        try {
            int tag = Integer.parseInt(parts[0]);
            if (tag < 0 || tag > 999_999_999) {
                throw new NumberFormatException();
            }
            return new CryptoAttribute(tag, parts[1], parts[2], parts.length > 3 ? parts[3] : null);
        } catch (NumberFormatException e) {
            throw new SdpException("a=crypto:" + value + " has no valid tag");
        }
    }

    public boolean isSupported() {
        return SUPPORTED.contains(suite) && keyParams.startsWith("inline:");
    }

    public String encode() {
        return tag + " " + suite + " " + keyParams + (sessionParams == null ? "" : " " + sessionParams);
    }
}
