package io.hub.relay.stun;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The ICE ufrag and password of both ends of one leg (RFC 8445 §5.3): the hub's own, which it puts in
 * its SDP, and the peer's, read from the peer's SDP. A Binding request to the hub carries USERNAME
 * {@code hubUfrag:peerUfrag} and is keyed with the hub's password.
 */
public record IceCredentials(String localUfrag, String localPassword, String remoteUfrag, String remotePassword) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    public IceCredentials {
        for (String value : new String[] {localUfrag, localPassword, remoteUfrag, remotePassword}) {
            if (value == null || value.isEmpty() || value.length() > 256) {
                throw new IllegalArgumentException("ICE ufrags and passwords are 1-256 characters");
            }
        }
    }

    /**
     * The hub's fresh credentials for a leg whose peer gave {@code remoteUfrag}/{@code remotePassword}:
     * a 8-character ufrag (24 bits of entropy at least, RFC 8445 §5.3) and a 24-character password
     * (128 bits at least).
     */
    public static IceCredentials generate(String remoteUfrag, String remotePassword) {
        return new IceCredentials(random(8), random(24), remoteUfrag, remotePassword);
    }

    /** The USERNAME a peer's check to the hub carries. */
    public String expectedUsername() {
        return localUfrag + ":" + remoteUfrag;
    }

    /** The short-term key of MESSAGE-INTEGRITY on checks to the hub and the hub's answers. */
    public byte[] integrityKey() {
        return localPassword.getBytes(StandardCharsets.UTF_8);
    }

    private static String random(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    /** Never prints the passwords: toString ends up in logs. */
    @Override
    public String toString() {
        return "IceCredentials[" + localUfrag + ":" + remoteUfrag + "]";
    }
}
