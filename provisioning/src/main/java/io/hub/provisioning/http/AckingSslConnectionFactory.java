package io.hub.provisioning.http;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's TLS connections, which acknowledge the client's last handshake flight at once.
 *
 * <p>A client whose socket keeps Nagle's algorithm on (ApacheBench, and embedded HTTP stacks) holds
 * its request back until the server has acknowledged its TLS 1.3 Finished flight. The kernel delays
 * that acknowledgement (up to 40 ms) in the hope of sending it with data. The JDK's TLS sends its
 * session tickets right after the handshake, which carries it; BoringSSL holds them until the first
 * response, so every new connection waited out the delay (a handshake each: 22 requests a second
 * from one client instead of 290). Asking for a quick acknowledgement once the handshake is done
 * sends the pending one now.
 */
final class AckingSslConnectionFactory extends SslConnectionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AckingSslConnectionFactory.class);

    AckingSslConnectionFactory(SslContextFactory.Server tls, String nextProtocol) {
        super(tls, nextProtocol);
    }

    @Override
    protected AbstractConnection configure(AbstractConnection connection, Connector connector, EndPoint endPoint) {
        if (connection instanceof SslConnection tls && endPoint.getTransport() instanceof SocketChannel channel
                && channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
            tls.addHandshakeListener(new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                    acknowledgeNow(channel);
                }
            });
        }
        return super.configure(connection, connector, endPoint);
    }

    private static void acknowledgeNow(SocketChannel channel) {
        try {
            channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException e) {
            // The connection is going away; its next read or write says so.
            LOG.debug("https quick acknowledgement not set: {}", e.toString());
        }
    }
}
