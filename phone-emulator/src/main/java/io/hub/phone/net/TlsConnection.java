package io.hub.phone.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A phone's TLS connection on the {@link NetLoop}: a non-blocking socket and an {@link SSLEngine}
 * in client mode that checks the server's name like a browser does. Everything happens on the loop's
 * thread: the listener is told when the handshake is done, each time application bytes arrive, and
 * once when the connection ends, with why, whether it never connected, the handshake failed, the
 * peer closed it, or its owner did.
 */
public final class TlsConnection implements NetLoop.Ready {

    /** What the connection tells its owner, always on the loop's thread. */
    public interface Listener {
        void opened(TlsConnection connection);

        /** Application bytes; {@code data} is only valid during the call. */
        void received(ByteBuffer data);

        /** Called once, whatever ended the connection. */
        void closed(String why);
    }

    /** A peer that does not read what we send is given up on past this many bytes. */
    private static final int MAX_PENDING_OUT = 4 * 1024 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final NetLoop loop;
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Listener listener;
    private final String peer;
    private SelectionKey key;
    private ByteBuffer pendingIn;
    private ByteBuffer pendingOut;
    private ScheduledFuture<?> deadline;
    private boolean open;
    private boolean closed;

    private TlsConnection(NetLoop loop, SocketChannel channel, SSLEngine engine, Listener listener, String peer) {
        this.loop = loop;
        this.channel = channel;
        this.engine = engine;
        this.listener = listener;
        this.peer = peer;
    }

    /**
     * Connects to {@code remote} from {@code local} (any address when null) and shakes hands; must be
     * called on the loop. A failure is reported through {@link Listener#closed}, never thrown.
     *
     * @param serverName the name the server's certificate must carry (a host name or an address)
     * @param handshakeDeadline how long connecting and the handshake may take together
     */
    public static TlsConnection connect(NetLoop loop, InetSocketAddress remote, InetAddress local, SSLContext context,
            String serverName, Duration handshakeDeadline, Listener listener) {
        loop.requireLoop();
        SSLEngine engine = context.createSSLEngine(serverName, remote.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (!isAddress(serverName)) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        engine.setSSLParameters(parameters);
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a socket: " + e.getMessage(), e);
        }
        TlsConnection connection = new TlsConnection(loop, channel, engine, listener,
                remote.getHostString() + ":" + remote.getPort());
        connection.deadline = loop.schedule(() -> {
            if (!connection.open) {
                connection.close("no TLS connection within " + handshakeDeadline.toSeconds() + " s");
            }
        }, handshakeDeadline);
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (local != null) {
                channel.bind(new InetSocketAddress(local, 0));
            }
            boolean connected = channel.connect(remote);
            connection.key = loop.register(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    connection);
            if (connected) {
                connection.startHandshake();
            }
        } catch (IOException e) {
            // Told on the next turn, so the caller has its connection in hand before it hears of the end.
            loop.execute(() -> connection.failed(e));
        }
        return connection;
    }

    public boolean isOpen() {
        return open && !closed;
    }

    /** Where this connection goes, as host:port. */
    public String peer() {
        return peer;
    }

    /** The local address of the socket, or null before it is bound. */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** Encrypts and sends {@code data}; on the loop, once open. Sending on a closed connection does nothing. */
    public void send(ByteBuffer data) {
        loop.requireLoop();
        if (closed) {
            return;
        }
        if (!open) {
            throw new IllegalStateException("the TLS connection to " + peer + " is not open yet");
        }
        try {
            wrap(data);
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Ends the connection (a close_notify first when it can); the listener hears {@code why}. */
    public void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (open) {
            try {
                engine.closeOutbound();
                wrap(EMPTY);
            } catch (IOException | RuntimeException e) {
                // The peer may be gone already; closing anyway.
            }
        }
        release();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        listener.closed(why);
    }

    /**
     * Closes the engine both ways, whatever its handshake reached: Conscrypt's holds a pipe (two
     * descriptors) until then, or until the collector finalises it, and a fleet retrying against a
     * slow server ran out of descriptors waiting for the collector.
     */
    private void release() {
        engine.closeOutbound();
        try {
            engine.closeInbound();
        } catch (SSLException noCloseNotify) {
            // The peer did not end the session first, which is expected when this side ends it.
        }
    }

    @Override
    public void ready(SelectionKey selected) throws IOException {
        if (selected.isConnectable()) {
            channel.finishConnect();
            selected.interestOps(SelectionKey.OP_READ);
            startHandshake();
            return;
        }
        if (selected.isWritable()) {
            flushPending();
        }
        if (selected.isValid() && selected.isReadable()) {
            read();
        }
    }

    @Override
    public void failed(IOException e) {
        close(describe(e));
    }

    private void startHandshake() throws IOException {
        engine.beginHandshake();
        unwrapAll(EMPTY);
    }

    private void read() throws IOException {
        TlsBuffers buffers = loop.buffers();
        ByteBuffer in = buffers.netIn;
        in.clear();
        if (pendingIn != null) {
            in = buffers.netIn = TlsBuffers.atLeast(in, pendingIn.remaining() + TlsBuffers.RECORD);
            in.put(pendingIn);
            pendingIn = null;
        }
        int read = channel.read(in);
        in.flip();
        unwrapAll(in);
        if (closed) {
            return;
        }
        if (in.hasRemaining()) {
            pendingIn = ByteBuffer.allocate(in.remaining()).put(in).flip();
        }
        if (read < 0) {
            close(open ? "closed by the peer" : "closed by the peer during the TLS handshake");
        }
    }

    /** Drives the engine over {@code in}: handshake steps, then application data to the listener. */
    private void unwrapAll(ByteBuffer in) throws IOException {
        TlsBuffers buffers = loop.buffers();
        for (int guard = 0; guard < 100_000 && !closed; guard++) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (status == HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY);
                continue;
            }
            if (!in.hasRemaining() && status != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                return;
            }
            ByteBuffer app = buffers.appIn;
            app.clear();
            SSLEngineResult result = engine.unwrap(in, app);
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    return;
                }
                case BUFFER_OVERFLOW -> buffers.appIn = ByteBuffer.allocate(
                        2 * engine.getSession().getApplicationBufferSize());
                case CLOSED -> {
                    close("closed by the peer (TLS close_notify)");
                    return;
                }
                case OK -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                        handshakeDone();
                    }
                    if (app.position() > 0 && open && !closed) {
                        app.flip();
                        listener.received(app);
                    }
                }
                default -> throw new IllegalStateException(result.getStatus().name());
            }
        }
    }

    private void wrap(ByteBuffer source) throws IOException {
        TlsBuffers buffers = loop.buffers();
        do {
            ByteBuffer out = buffers.netOut;
            out.clear();
            SSLEngineResult result = engine.wrap(source, out);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                buffers.netOut = ByteBuffer.allocate(2 * engine.getSession().getPacketBufferSize());
                continue;
            }
            out.flip();
            write(out);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone();
            }
        } while (source.hasRemaining() && !closed);
    }

    private void write(ByteBuffer data) throws IOException {
        if (!data.hasRemaining() || !channel.isOpen()) {
            return;
        }
        if (pendingOut == null) {
            channel.write(data);
            if (!data.hasRemaining()) {
                return;
            }
            pendingOut = ByteBuffer.allocate(Math.max(data.remaining(), 4096));
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
        if (pendingOut.position() + data.remaining() > MAX_PENDING_OUT) {
            throw new IOException("the peer does not read: " + MAX_PENDING_OUT + " bytes wait to be sent");
        }
        pendingOut = TlsBuffers.atLeast(pendingOut, pendingOut.position() + data.remaining());
        pendingOut.put(data);
    }

    private void flushPending() throws IOException {
        if (pendingOut == null) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            return;
        }
        pendingOut.flip();
        channel.write(pendingOut);
        if (pendingOut.hasRemaining()) {
            pendingOut.compact();
        } else {
            pendingOut = null;
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    private void handshakeDone() {
        if (open) {
            return;
        }
        open = true;
        deadline.cancel(false);
        listener.opened(this);
    }

    /** One line for a failure, as a person reads it: the cause, not the exception's class. */
    static String describe(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SSLException) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String cause = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return "TLS failed: " + (cause.equals(message) ? message : message + " (" + cause + ")");
        }
        return message;
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
