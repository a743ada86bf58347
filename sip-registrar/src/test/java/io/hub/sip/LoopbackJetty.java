package io.hub.sip;

import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A started Jetty with one plain connector on a free loopback port, for the tests of the SIP
 * WebSocket upgrade: the handler is made for the server (the upgrade needs it), and the connector can
 * be given listeners first (the web port's guard).
 */
public final class LoopbackJetty implements AutoCloseable {

    private final Server server;
    private final int port;

    private LoopbackJetty(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LoopbackJetty start(Function<Server, Handler> handler) throws Exception {
        return start(handler, connector -> { });
    }

    public static LoopbackJetty start(Function<Server, Handler> handler, Consumer<ServerConnector> connectorSetUp)
            throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connectorSetUp.accept(connector);
        server.addConnector(connector);
        server.setHandler(handler.apply(server));
        server.start();
        return new LoopbackJetty(server, connector.getLocalPort());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
