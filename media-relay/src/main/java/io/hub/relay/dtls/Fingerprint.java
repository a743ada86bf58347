package io.hub.relay.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * A certificate fingerprint as SDP carries it (RFC 8122 §5): {@code a=fingerprint:sha-256 AB:CD:…}. The
 * hash functions taken are SHA-256, SHA-384 and SHA-512; SHA-1, MD5 and MD2 are refused as too weak to
 * bind a certificate, and an unknown name is refused by name.
 *
 * @param hash the lower-case name from the SDP, such as {@code sha-256}
 * @param digest the certificate's hash
 */
public record Fingerprint(String hash, byte[] digest) {

    private static final Map<String, String> ALGORITHMS = Map.of(
            "sha-256", "SHA-256", "sha-384", "SHA-384", "sha-512", "SHA-512");
    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    /**
     * Reads the value of an {@code a=fingerprint} line.
     *
     * @throws IllegalArgumentException naming what is wrong: not {@code <hash> <hex:hex…>}, a hash the
     *     hub does not take, or a digest of the wrong length for it
     */
    public static Fingerprint parse(String value) {
        String[] parts = value.strip().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a fingerprint is '<hash> <hex:hex:…>', not '" + value + "'");
        }
        String hash = parts[0].toLowerCase(Locale.ROOT);
        String algorithm = ALGORITHMS.get(hash);
        if (algorithm == null) {
            throw new IllegalArgumentException("fingerprint hash " + parts[0] + " is not one of sha-256, sha-384, sha-512");
        }
        byte[] digest;
        try {
            digest = HEX.parseHex(parts[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fingerprint " + parts[1] + " is not colon-separated hex");
        }
        if (digest.length != digest(algorithm, new byte[0]).length) {
            throw new IllegalArgumentException("a " + hash + " fingerprint is " + digest(algorithm, new byte[0]).length
                    + " bytes, not " + digest.length);
        }
        return new Fingerprint(hash, digest);
    }

    /** The SHA-256 fingerprint of a DER certificate: what the hub puts in its own SDP. */
    public static Fingerprint sha256(byte[] certificateDer) {
        return new Fingerprint("sha-256", digest("SHA-256", certificateDer));
    }

    /** Whether {@code certificateDer} hashes to this fingerprint under its hash; constant time. */
    public boolean matches(byte[] certificateDer) {
        return MessageDigest.isEqual(digest, digest(ALGORITHMS.get(hash), certificateDer));
    }

    /** The value of an {@code a=fingerprint} line. */
    public String sdpValue() {
        return hash + " " + HEX.formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && f.hash.equals(hash) && MessageDigest.isEqual(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return hash.hashCode() * 31 + java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return sdpValue();
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
