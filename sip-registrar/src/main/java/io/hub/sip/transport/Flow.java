package io.hub.sip.transport;

import io.hub.pki.DeviceValidation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection a phone opened to the hub: the RFC 5626 flow. Everything the hub sends to that
 * phone goes down it, because behind NAT nothing else reaches the phone. Sends are serialised, so
 * a response and a keepalive pong never interleave.
 */
public final class Flow {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Socket socket;
    private final OutputStream out;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String transport;
    private final String cipherSuite;
    private final DeviceValidation certificate;
    private final Instant openedAt;
    private volatile Instant lastHeard;
    private volatile Instant lastKeepalive;
    private volatile long idleTimeoutMillis;
    private final long defaultIdleTimeoutMillis;
    private volatile boolean closed;
    private volatile boolean trusted;

    Flow(Socket socket, String transport, String cipherSuite, DeviceValidation certificate, Instant now,
            long idleTimeoutMillis) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
        this.transport = transport;
        this.cipherSuite = cipherSuite;
        this.certificate = certificate;
        this.openedAt = now;
        this.lastHeard = now;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.defaultIdleTimeoutMillis = idleTimeoutMillis;
    }

    /** A process-unique number naming this connection. */
    public long id() {
        return id;
    }

    /** The address and port the phone's packets really come from (after NAT). */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The hub's end of the connection, for the Via of requests the hub sends down it. */
    public InetSocketAddress local() {
        return local;
    }

    /** {@code TLS}, or {@code TCP} on the plain port for testers. */
    public String transport() {
        return transport;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    /** The client certificate's verdict; a refusal with {@code no-certificate} when none was presented. */
    public DeviceValidation certificate() {
        return certificate;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public Instant lastHeard() {
        return lastHeard;
    }

    /** When the last CRLF keepalive ping arrived, or null. */
    public Instant lastKeepalive() {
        return lastKeepalive;
    }

    /** True once a phone has registered on this flow: its requests are exempt from flood control. */
    public boolean trusted() {
        return trusted;
    }

    public void trust() {
        trusted = true;
    }

    public boolean isOpen() {
        return !closed && !socket.isClosed();
    }

    /**
     * How long the flow may stay silent before it is closed. A registration that negotiated
     * RFC 5626 outbound shortens it to the Flow-Timer plus grace.
     */
    public void idleTimeout(long millis) {
        this.idleTimeoutMillis = millis;
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
        } catch (IOException e) {
            close();
        }
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** The idle timeout the flow was opened with, before any registration changed it. */
    public long idleTimeoutDefault() {
        return defaultIdleTimeoutMillis;
    }

    void heard(Instant now, boolean keepalive) {
        lastHeard = now;
        if (keepalive) {
            lastKeepalive = now;
        }
    }

    /** Writes one message (or a pong) down the flow; false when the flow is gone. */
    public boolean send(byte[] bytes) {
        synchronized (out) {
            if (closed) {
                return false;
            }
            try {
                out.write(bytes);
                out.flush();
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }
    }

    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted; an error here changes nothing.
        }
    }

    @Override
    public String toString() {
        return "flow#" + id + " " + transport + " " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
