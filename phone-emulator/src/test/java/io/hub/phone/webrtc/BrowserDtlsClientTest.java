package io.hub.phone.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/** What the emulated browser's DTLS client promises before any handshake; the handshakes are the relay's tests. */
class BrowserDtlsClientTest {

    @Test
    void fingerprintDigestIsSha256() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assertArrayEquals(HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                BrowserDtlsClient.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void keysAreRefusedBeforeTheHandshakeCompleted() {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1)), new SecureRandom()));
        BrowserDtlsClient client = new BrowserDtlsClient(new BcTlsCrypto(new SecureRandom()), new byte[] {1},
                generator.generateKeyPair().getPrivate(), new byte[32], false);
        assertThrows(IllegalStateException.class, client::srtpKeys);
    }
}
