package io.hub.phone.srtp;

/**
 * The value of an SDES {@code a=crypto} attribute (RFC 4568 §9.1):
 * {@code <tag> <suite> <key-params> [<session-params>]}.
 *
 * @param sessionParams what follows the key params, or null
 */
public record CryptoLine(int tag, String suite, String keyParams, String sessionParams) {

    /**
     * Splits an {@code a=crypto} value (without {@code a=crypto:}).
     *
     * @throws SdesException when it has fewer than three fields or no tag of 1 to 9 digits
     */
    public static CryptoLine parse(String value) throws SdesException {
        String[] fields = value.strip().split("[ \t]+", 4);
        if (fields.length < 3) {
            throw new SdesException("a=crypto:" + value + " is not <tag> <suite> <key-params>");
        }
        if (!fields[0].matches("[0-9]{1,9}")) {
            throw new SdesException("a=crypto:" + value + " has no valid tag");
        }
        return new CryptoLine(Integer.parseInt(fields[0]), fields[1], fields[2], fields.length > 3 ? fields[3] : null);
    }

    /** The line a phone offers for its own key: no session parameters. */
    public static CryptoLine of(int tag, MasterKey key) {
        return new CryptoLine(tag, key.suite().name(), key.inline(), null);
    }

    /**
     * The key this line carries.
     *
     * @throws SdesException when the suite is not one this phone speaks or the key params are unusable
     */
    public MasterKey key() throws SdesException {
        CryptoSuite known = CryptoSuite.named(suite)
                .orElseThrow(() -> new SdesException("unsupported crypto suite " + suite));
        return MasterKey.fromKeyParams(known, keyParams);
    }

    /** Whether this phone speaks the suite and the key is inline. */
    public boolean isSupported() {
        return CryptoSuite.named(suite).isPresent() && keyParams.startsWith("inline:");
    }

    /** The attribute value, as after {@code a=crypto:}. */
    public String format() {
        return tag + " " + suite + " " + keyParams + (sessionParams == null ? "" : " " + sessionParams);
    }
}
