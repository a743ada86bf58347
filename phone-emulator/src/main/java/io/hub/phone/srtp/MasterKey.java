package io.hub.phone.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A phone's SRTP master key and master salt with their suite: the {@code inline:} part of an
 * {@code a=crypto} line (RFC 4568 §6.1). Immutable; arrays are copied in and out.
 */
public final class MasterKey {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CryptoSuite suite;
    private final byte[] key;
    private final byte[] salt;

    public MasterKey(CryptoSuite suite, byte[] key, byte[] salt) {
        if (key.length != KEY_LENGTH || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("a master key is 16 bytes and a salt 14, not " + key.length + " and "
                    + salt.length);
        }
        this.suite = suite;
        this.key = key.clone();
        this.salt = salt.clone();
    }

    /** A fresh key, as a phone makes one for each call. */
    public static MasterKey generate(CryptoSuite suite) {
        byte[] key = new byte[KEY_LENGTH];
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        return new MasterKey(suite, key, salt);
    }

    /**
     * Reads {@code inline:<base64 key||salt>[|lifetime][|MKI:length]}. A lifetime is ignored (no call
     * lasts 2^31 packets); an MKI is refused, as this phone never puts one in its packets.
     *
     * @throws SdesException naming what is wrong
     */
    public static MasterKey fromKeyParams(CryptoSuite suite, String keyParams) throws SdesException {
        if (!keyParams.startsWith("inline:")) {
            throw new SdesException("key params do not start with inline:");
        }
        String[] fields = keyParams.substring("inline:".length()).split("\\|", -1);
        if (fields.length > 3) {
            throw new SdesException("key params have " + fields.length + " fields, at most 3 (key|lifetime|MKI)");
        }
        for (int i = 1; i < fields.length; i++) {
            if (fields[i].contains(":")) {
                throw new SdesException("an MKI is not supported: " + fields[i]);
            }
            if (!fields[i].matches("(2\\^)?[0-9]{1,20}")) {
                throw new SdesException("bad lifetime " + fields[i]);
            }
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(fields[0]);
        } catch (IllegalArgumentException e) {
            throw new SdesException("the inline key is not base64");
        }
        if (material.length != KEY_LENGTH + SALT_LENGTH) {
            throw new SdesException("the inline key is " + material.length + " bytes, not 30 (16 key + 14 salt)");
        }
        return new MasterKey(suite, Arrays.copyOf(material, KEY_LENGTH),
                Arrays.copyOfRange(material, KEY_LENGTH, material.length));
    }

    public CryptoSuite suite() {
        return suite;
    }

    public byte[] key() {
        return key.clone();
    }

    public byte[] salt() {
        return salt.clone();
    }

    /** {@code inline:<base64 key||salt>}, without lifetime or MKI. */
    public String inline() {
        byte[] material = Arrays.copyOf(key, KEY_LENGTH + SALT_LENGTH);
        System.arraycopy(salt, 0, material, KEY_LENGTH, SALT_LENGTH);
        return "inline:" + Base64.getEncoder().encodeToString(material);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MasterKey k && k.suite == suite && Arrays.equals(k.key, key)
                && Arrays.equals(k.salt, salt);
    }

    @Override
    public int hashCode() {
        return 31 * suite.hashCode() + Arrays.hashCode(key);
    }

    /** Never the key itself: this ends up in logs. */
    @Override
    public String toString() {
        return "MasterKey[" + suite + "]";
    }
}
