package io.hub.provisioning.http;

import io.hub.pki.HandshakeAcknowledgement;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connections, which acknowledge the client's last handshake flight at once
 * ({@link HandshakeAcknowledgement}, for clients that keep Nagle's algorithm on) and send a small
 * response as one record ({@link OneRecordSslConnection}).
 */
final class AckingSslConnectionFactory extends SslConnectionFactory {

    AckingSslConnectionFactory(SslContextFactory.Server tls, String nextProtocol) {
        super(tls, nextProtocol);
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
        return new OneRecordSslConnection(connector.getByteBufferPool(), connector.getExecutor(), getSslContextFactory(),
                endPoint, engine, isDirectBuffersForEncryption(), isDirectBuffersForDecryption());
    }

    @Override
    protected AbstractConnection configure(AbstractConnection connection, Connector connector, EndPoint endPoint) {
        if (connection instanceof SslConnection tls && endPoint.getTransport() instanceof SocketChannel channel) {
            tls.addHandshakeListener(new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                    HandshakeAcknowledgement.now(channel);
                }
            });
        }
        return super.configure(connection, connector, endPoint);
    }
}
