package io.hub.pki;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick acknowledgement a server sends when a TLS handshake finishes. A class of its own, not a
 * part of {@link ServerTls}: its logger must not start the logging before {@code hub}'s main has
 * set the log level, and main touches {@link ServerTls} first.
 */
public final class HandshakeAcknowledgement {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeAcknowledgement.class);

    private HandshakeAcknowledgement() {
    }

    /**
     * Acknowledges the client's last handshake flight at once; call it when a server handshake on
     * {@code channel} finishes. A client whose socket keeps Nagle's algorithm on (ApacheBench, and
     * phones' embedded stacks) holds its first request until the server has acknowledged its TLS 1.3
     * Finished flight, and the kernel delays that acknowledgement (up to 40 ms) in the hope of sending
     * it with data. The JDK's TLS sends its session tickets right after the handshake, which carries
     * it; BoringSSL (Conscrypt) keeps them for the first record the server writes, so every new
     * connection waited out the delay (22 handshakes a second from one client instead of 290).
     */
    public static void now(SocketChannel channel) {
        if (!channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
            return;
        }
        try {
            channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException e) {
            // The connection is going away; its next read or write says so.
            LOG.debug("TLS quick acknowledgement not set: {}", e.toString());
        }
    }
}
