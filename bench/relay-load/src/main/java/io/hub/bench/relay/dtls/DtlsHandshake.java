package io.hub.bench.relay.dtls;

import io.hub.phone.webrtc.BrowserDtlsClient;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS-SRTP handshake as client from a phone's socket to a relay port, and the SRTP keys it
 * exports: what the phone sends with and what it receives with.
 */
public final class DtlsHandshake {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DtlsHandshake() {
    }

    /**
     * Runs the handshake on {@code socket} (blocking; its timeout is changed) with {@code relay}.
     *
     * @throws IOException when the handshake fails: the relay's certificate is not the fingerprint's
     *     ({@code bad_certificate}), it refused ours, or it did not finish within 15 seconds
     */
    public static BrowserDtlsClient.SrtpKeys run(DatagramSocket socket, InetSocketAddress relay,
                                                 DtlsIdentity identity, RelayCertificateCheck relayCertificate) throws IOException {
        BrowserDtlsClient client = new BrowserDtlsClient(new BcTlsCrypto(RANDOM), identity.certificateDer,
                identity.privateKey, relayCertificate.sha256(), false);
        try {
            new DTLSClientProtocol().connect(client, new ChannelTransport(socket, relay));
        } catch (TlsFatalAlert e) {
            throw new IOException("DTLS with " + relay + " failed: " + e.getMessage(), e);
        }
        return client.srtpKeys();
    }
}
