package io.hub.sip;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Tags the hub puts in To and From headers: 64 random bits (RFC 3261 §19.3 asks for at least 32,
 * cryptographically random). Each thread draws from a generator of its own: the shared one behind
 * {@code UUID.randomUUID} serialises every answer of the registrar's workers on one lock.
 */
public final class SipTags {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

    private SipTags() {
    }

    /** 16 hexadecimal digits, a new value each call. */
    public static String newTag() {
        return HexFormat.of().toHexDigits(RANDOM.get().nextLong());
    }
}
