package io.hub.relay.dtls;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import java.util.Arrays;

/**
 * The SRTP master keys of both directions, from the DTLS exporter "EXTRACTOR-dtls_srtp" (RFC 5764
 * §4.2): client_write_key | server_write_key | client_write_salt | server_write_salt, 16+16+14+14 bytes
 * for SRTP_AES128_CM_HMAC_SHA1_80. The client protects what it sends with the client's key.
 */
public record DtlsSrtpKeys(SdesKey client, SdesKey server) {

    public static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";
    public static final int MATERIAL_LENGTH = 2 * (SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH);

    /**
     * @throws IllegalArgumentException if the material is not {@value #MATERIAL_LENGTH} bytes
     */
    public static DtlsSrtpKeys split(byte[] material) {
        if (material.length != MATERIAL_LENGTH) {
            throw new IllegalArgumentException("DTLS-SRTP keying material is " + MATERIAL_LENGTH + " bytes, not "
                    + material.length);
        }
        int k = SrtpSuite.KEY_LENGTH;
        int s = SrtpSuite.SALT_LENGTH;
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        return new DtlsSrtpKeys(
                new SdesKey(suite, Arrays.copyOfRange(material, 0, k), Arrays.copyOfRange(material, 2 * k, 2 * k + s)),
                new SdesKey(suite, Arrays.copyOfRange(material, k, 2 * k), Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s)));
    }

    /** The key the peer protects with, which the hub unprotects with. */
    public SdesKey inbound(DtlsRole hub) {
        return hub == DtlsRole.SERVER ? client : server;
    }

    /** The key the hub protects with. */
    public SdesKey outbound(DtlsRole hub) {
        return hub == DtlsRole.SERVER ? server : client;
    }
}
