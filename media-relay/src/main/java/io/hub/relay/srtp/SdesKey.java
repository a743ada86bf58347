package io.hub.relay.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A master key and salt with their suite: what one {@code a=crypto} line carries (RFC 4568 §6.1).
 * Immutable; the arrays are copied in and out.
 */
public final class SdesKey {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SrtpSuite suite;
    private final byte[] masterKey;
    private final byte[] masterSalt;

    public SdesKey(SrtpSuite suite, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != SrtpSuite.KEY_LENGTH || masterSalt.length != SrtpSuite.SALT_LENGTH) {
            throw new IllegalArgumentException("a master key is 16 bytes and a master salt 14, not "
                    + masterKey.length + " and " + masterSalt.length);
        }
        this.suite = suite;
        this.masterKey = masterKey.clone();
        this.masterSalt = masterSalt.clone();
    }

    /** A fresh key from a {@link SecureRandom}: what the hub offers a phone in termination mode. */
    public static SdesKey generate(SrtpSuite suite) {
        byte[] key = new byte[SrtpSuite.KEY_LENGTH];
        byte[] salt = new byte[SrtpSuite.SALT_LENGTH];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        return new SdesKey(suite, key, salt);
    }

    /**
     * Reads {@code inline:<base64 key||salt>[|lifetime][|MKI:length]}.
     *
     * <p>A lifetime is accepted and ignored: no call outlives 2^31 packets. An MKI is refused because
     * the relay keeps one key per direction and never adds the MKI field to packets.
     *
     * @throws SdesKeyException naming what is wrong: not inline, bad base64, wrong length, MKI
     */
    public static SdesKey parse(SrtpSuite suite, String keyParams) throws SdesKeyException {
        if (!keyParams.startsWith("inline:")) {
            throw new SdesKeyException("key params must start with inline:");
        }
        String[] parts = keyParams.substring("inline:".length()).split("\\|", -1);
        if (parts.length > 3) {
            throw new SdesKeyException("key params have " + parts.length + " |-separated fields, at most 3 (key|lifetime|MKI)");
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].contains(":")) {
                throw new SdesKeyException("MKI is not supported: " + parts[i]);
            }
            if (!parts[i].matches("(2\\^)?[0-9]{1,20}")) {
                throw new SdesKeyException("bad lifetime " + parts[i]);
            }
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new SdesKeyException("inline key is not base64: " + e.getMessage());
        }
        if (material.length != SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH) {
            throw new SdesKeyException("inline key is " + material.length + " bytes, expected 30 (16 key + 14 salt)");
        }
        return new SdesKey(suite, Arrays.copyOfRange(material, 0, SrtpSuite.KEY_LENGTH),
                Arrays.copyOfRange(material, SrtpSuite.KEY_LENGTH, material.length));
    }

    public SrtpSuite suite() {
        return suite;
    }

    public byte[] masterKey() {
        return masterKey.clone();
    }

    public byte[] masterSalt() {
        return masterSalt.clone();
    }

    /** {@code inline:<base64>}, without lifetime or MKI. */
    public String inline() {
        byte[] material = new byte[SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH];
        System.arraycopy(masterKey, 0, material, 0, SrtpSuite.KEY_LENGTH);
        System.arraycopy(masterSalt, 0, material, SrtpSuite.KEY_LENGTH, SrtpSuite.SALT_LENGTH);
        return "inline:" + Base64.getEncoder().encodeToString(material);
    }

    /** The value of an {@code a=crypto} attribute for this key: {@code <tag> <suite> inline:<base64>}. */
    public String cryptoAttribute(int tag) {
        return tag + " " + suite.name() + " " + inline();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdesKey k && k.suite == suite && Arrays.equals(k.masterKey, masterKey)
                && Arrays.equals(k.masterSalt, masterSalt);
    }

    @Override
    public int hashCode() {
        return suite.hashCode() * 31 + Arrays.hashCode(masterKey);
    }

    /** Never prints the key: toString ends up in logs. */
    @Override
    public String toString() {
        return "SdesKey[" + suite + "]";
    }
}
