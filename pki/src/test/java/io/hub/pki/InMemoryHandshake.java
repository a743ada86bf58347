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

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

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
        for (int round = 0; round < 100; round++) {
            pass(client, server, toServer, app);
            pass(server, client, toClient, app);
            if (round > 4 && done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
        }
        throw new IllegalStateException("no handshake in 100 rounds");
    }

    /** What {@code from} has to send, wrapped into {@code wire} and read by {@code to}; then both engines' tasks. */
    private static void pass(SSLEngine from, SSLEngine to, ByteBuffer wire, ByteBuffer app) throws Exception {
        from.wrap(NOTHING, wire);
        wire.flip();
        to.unwrap(wire, app);
        wire.compact();
        tasks(from);
        tasks(to);
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** Runs {@code engine}'s delegated tasks, as a server's pool would. */
    static void tasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
