package io.hub.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for a program a test starts and that binds them itself (baresip's console, coturn,
 * PostgreSQL, a packaged hub). A port the kernel hands out for port 0 lies in its ephemeral range,
 * where any outgoing connection may take it between the probe and the program's bind; these are
 * drawn below that range (32768 up by default), and below the relay's (30000 up), so only another
 * explicit bind can take one. A port is handed out once in a process, so two asked for before either
 * is bound (a packaged hub's four) differ.
 */
public final class LoopbackPorts {

    static final int FROM = 20000;
    static final int COUNT = 10000;
    private static final int TRIES = 100;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** A port of 20000-29999 free for both TCP and UDP on loopback right now, not handed out before here. */
    public static int free() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int tried = 0; tried < TRIES; tried++) {
            int port = FROM + ThreadLocalRandom.current().nextInt(COUNT);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket tcp = new ServerSocket();
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                tcp.bind(new InetSocketAddress(loopback, port));
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // Bound already for TCP or UDP: draw another.
            }
        }
        throw new IOException("no loopback port free for both TCP and UDP among " + TRIES + " drawn from " + FROM);
    }
}
