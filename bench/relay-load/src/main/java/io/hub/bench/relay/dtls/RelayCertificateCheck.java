package io.hub.bench.relay.dtls;

import java.util.HexFormat;
import java.util.Locale;

/**
 * The relay's {@code a=fingerprint} from its SDP, to check the certificate its handshake shows
 * (RFC 8122): only SHA-256 is taken, as every relay under test writes it.
 */
public record RelayCertificateCheck(byte[] sha256) {

    /**
     * Reads {@code sha-256 AB:CD:…}.
     *
     * @throws IllegalArgumentException when the hash is not SHA-256 or the value is not 32 colon-separated bytes
     */
    public static RelayCertificateCheck parse(String value) {
        String[] parts = value.strip().split("\\s+");
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("sha-256")) {
            throw new IllegalArgumentException("the relay's fingerprint is not sha-256: " + value.strip());
        }
        String hex = parts[1].replace(":", "");
        if (hex.length() != 64 || !hex.matches("[0-9A-Fa-f]+")) {
            throw new IllegalArgumentException("the relay's fingerprint is not 32 bytes: " + parts[1]);
        }
        return new RelayCertificateCheck(HexFormat.of().parseHex(hex));
    }
}
