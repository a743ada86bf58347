package io.hub.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A TLS 1.3 client on an engine over a plain socket that sends its first request in the same write
 * as its last handshake flight, as a phone that does not wait may: the server then reads the end of
 * the handshake and application data in one read. Socket clients of the JDK write their flight and
 * their data apart, so they show a server this case only when the network joins them. (In TLS 1.2
 * the server's Finished comes last, so a client has nothing to send with its own.)
 */
public final class LastFlightClient {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    private static final int MAX_STEPS = 200;

    private final SSLEngine engine;
    private final Socket socket;
    private final ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);

    /** {@code engine} in client mode, its handshake not begun; {@code socket} connected to the server. */
    public LastFlightClient(SSLEngine engine, Socket socket) {
        this.engine = engine;
        this.socket = socket;
    }

    /**
     * Runs the handshake, holding back the last flight until {@code request} is wrapped behind it,
     * then writes both at once.
     *
     * @throws IllegalStateException when the handshake takes more than {@value #MAX_STEPS} steps
     */
    public void handshakeSending(String request) throws IOException {
        engine.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    SSLEngineResult wrapped = engine.wrap(NOTHING, toServer);
                    HandshakeStatus after = wrapped.getHandshakeStatus();
                    if (after == HandshakeStatus.FINISHED || after == HandshakeStatus.NOT_HANDSHAKING) {
                        engine.wrap(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)), toServer);
                        flush();
                        return;
                    }
                    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                        flush(); // a flight that is not the last one goes out as it is
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapInto(ByteBuffer.allocate(1 << 17));
                case NEED_TASK -> InMemoryHandshake.tasks(engine);
                default -> throw new IllegalStateException("the handshake ended without a last flight: " + status);
            }
        }
        throw new IllegalStateException("no handshake in " + MAX_STEPS + " steps");
    }

    /** The server's application data until {@code end} is in it (or the server closes), decrypted. */
    public String readUntil(String end) throws IOException {
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        for (int step = 0; step < MAX_STEPS; step++) {
            String text = new String(app.array(), 0, app.position(), StandardCharsets.UTF_8);
            if (text.contains(end)) {
                return text;
            }
            if (!unwrapInto(app)) {
                return text;
            }
            InMemoryHandshake.tasks(engine);
        }
        throw new IllegalStateException("no " + end + " in " + MAX_STEPS + " records");
    }

    /** Unwraps one record into {@code app}, reading from the socket as needed; false when the server closed. */
    private boolean unwrapInto(ByteBuffer app) throws IOException {
        InputStream in = socket.getInputStream();
        for (int reads = 0; reads < MAX_STEPS; reads++) {
            fromServer.flip();
            SSLEngineResult result = engine.unwrap(fromServer, app);
            fromServer.compact();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return false;
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                return true;
            }
            byte[] chunk = new byte[fromServer.remaining()];
            int read = in.read(chunk);
            if (read < 0) {
                return false;
            }
            fromServer.put(chunk, 0, read);
        }
        throw new IllegalStateException("no whole record in " + MAX_STEPS + " reads");
    }

    private void flush() throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(toServer.array(), 0, toServer.position());
        out.flush();
        toServer.clear();
    }
}
