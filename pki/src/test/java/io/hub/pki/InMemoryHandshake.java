package io.hub.pki;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A TLS handshake between two engines in memory, their records handed back and forth. The hub's
 * servers run TLS on engines (Jetty, the SIP loops), never on a provider's own sockets, so tests
 * do the same.
 */
public final class InMemoryHandshake {

    private InMemoryHandshake() {
    }

    /**
     * Passes records between {@code client} and {@code server} until neither has more to do.
     *
     * @throws IllegalStateException when 100 rounds do not finish it
     * @throws javax.net.ssl.SSLException when either side refuses
     */
    public static void run(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        ByteBuffer nothing = ByteBuffer.allocate(0);
        for (int round = 0; round < 100; round++) {
            client.wrap(nothing, toServer);
            toServer.flip();
            server.unwrap(toServer, app);
            toServer.compact();
            tasks(client);
            tasks(server);
            server.wrap(nothing, toClient);
            toClient.flip();
            client.unwrap(toClient, app);
            toClient.compact();
            tasks(client);
            tasks(server);
            if (round > 4 && done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
        }
        throw new IllegalStateException("no handshake in 100 rounds");
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void tasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
