package io.hub.provisioning.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets the hub must be able to read back (a phone's SIP password goes into its configuration),
 * sealed with a key kept outside the database, so that a copy of the database file alone reveals
 * none of them.
 *
 * <p>A sealed value is {@code v1:} followed by base64 of a random 96-bit nonce, then the AES-256-GCM
 * ciphertext and its 128-bit tag. The value is bound to what it belongs to (the {@code context},
 * such as the device's MAC), so a sealed value copied to another row does not open there.
 */
public final class SealedSecrets {

    /** The length of the key, in bytes. */
    public static final int KEY_BYTES = 32;
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    /**
     * A cipher per thread, initialised anew for each value: looking one up (the provider list, the
     * transformation's parsing) cost more than opening the value, and every device read opens one.
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SealedSecrets::newCipher);

    /**
     * @param key {@link #KEY_BYTES} random bytes
     * @throws IllegalArgumentException for a key of another length
     */
    public SealedSecrets(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the secrets key must be " + KEY_BYTES + " bytes, not "
                    + (key == null ? "absent" : key.length));
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** True for a value {@link #seal} made; false for a plaintext one stored by an older hub. */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** Seals {@code secret} for {@code context}. */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /**
     * The secret in {@code stored}: opened when sealed, as it is when an older hub stored it in plain
     * text (the hub seals those at start).
     *
     * @throws StorageException when the value does not open with this key for this context (another
     *     home's key, or a value altered or moved to another row)
     */
    public String open(String stored, String context) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new StorageException("a sealed secret of " + context + " is not base64");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new StorageException("a sealed secret of " + context + " is too short");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), context);
            byte[] secret = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(secret, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new StorageException("the sealed secret of " + context + " does not open with this home's key "
                    + "(var/secrets belongs to another copy of the database?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = ciphers.get();
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }
}
