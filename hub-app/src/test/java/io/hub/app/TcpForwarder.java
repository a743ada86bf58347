package io.hub.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP port that forwards each connection to a target, byte for byte (TLS passes through
 * untouched): a second address for one server, which a test can take away at once by closing it,
 * as a node that dies takes its connections and its port with it.
 */
final class TcpForwarder implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private boolean closed;

    TcpForwarder(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "forwarder-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                kept(client);
                Socket server = kept(new Socket(target.getAddress(), target.getPort()));
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // closed, or the target refused: the client's connection ends with it
            }
        }
    }

    /**
     * Keeps {@code socket} to be cut by {@link #close()}. A connection accepted while the forwarder
     * closes is cut here instead: otherwise it would outlive the node it stands for.
     */
    private Socket kept(Socket socket) throws IOException {
        synchronized (open) {
            if (closed) {
                // What was kept before is cut by close(), which marked the forwarder closed first.
                closeQuietly(socket);
                throw new IOException("the forwarder is closed");
            }
            open.add(socket);
        }
        return socket;
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "forwarder-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops listening and cuts every forwarded connection. */
    @Override
    public void close() throws IOException {
        synchronized (open) {
            closed = true;
        }
        listener.close();
        open.forEach(TcpForwarder::closeQuietly);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
