package io.hub.bench.relay.dtls;

import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS-SRTP handshake as client from a phone's socket to a relay port, and the SRTP keys it
 * exports: what the phone sends with and what it receives with.
 */
public final class DtlsHandshake {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The SRTP master keys of a completed handshake, both AES_CM_128_HMAC_SHA1_80. */
    public record Keys(MasterKey sending, MasterKey receiving) {
    }

    private DtlsHandshake() {
    }

    /**
     * Runs the handshake on {@code socket} (blocking; its timeout is changed) with {@code relay}.
     *
     * @throws IOException when the handshake fails: the relay's certificate is not the fingerprint's
     *     ({@code bad_certificate}), it refused ours, or it did not finish within 15 seconds
     */
    public static Keys run(DatagramSocket socket, InetSocketAddress relay, DtlsIdentity identity,
                           RelayCertificateCheck relayCertificate) throws IOException {
        BenchDtlsClient client = new BenchDtlsClient(new BcTlsCrypto(RANDOM), identity, relayCertificate);
        try {
            new DTLSClientProtocol().connect(client, new ChannelTransport(socket, relay));
        } catch (TlsFatalAlert e) {
            throw new IOException("DTLS with " + relay + " failed: " + e.getMessage(), e);
        }
        byte[] keying = client.keying();
        CryptoSuite suite = CryptoSuite.AES_CM_128_HMAC_SHA1_80;
        return new Keys(new MasterKey(suite, Arrays.copyOfRange(keying, 0, 16), Arrays.copyOfRange(keying, 32, 46)),
                new MasterKey(suite, Arrays.copyOfRange(keying, 16, 32), Arrays.copyOfRange(keying, 46, 60)));
    }
}
