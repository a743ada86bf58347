package io.hub.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/** The key algorithms the hub issues certificates with. */
public enum KeyType {
    /** ECDSA on P-256, signed with SHA-256: the default, small and fast for phones. */
    EC_P256("SHA256withECDSA"),
    /** RSA 3072, signed with SHA-256: for phones and peers that do not speak ECDSA. */
    RSA_3072("SHA256withRSA");

    private final String signatureAlgorithm;

    KeyType(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public KeyPair generate() {
        try {
            if (this == EC_P256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + this + " keys", e);
        }
    }

    /** The signature algorithm a CA holding a key of this type signs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Parses the command-line spelling: {@code ec} or {@code rsa}. */
    public static KeyType fromOption(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "ec", "ec-p256", "ecdsa" -> EC_P256;
            case "rsa", "rsa-3072" -> RSA_3072;
            default -> throw new IllegalArgumentException("unknown key type '" + text + "': expected ec or rsa");
        };
    }

    /** The key type of an existing key, for signing with a CA loaded from disk. */
    public static String signatureAlgorithmFor(java.security.PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) ? EC_P256.signatureAlgorithm : RSA_3072.signatureAlgorithm;
    }
}
