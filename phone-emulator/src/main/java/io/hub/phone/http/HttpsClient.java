package io.hub.phone.http;

import io.hub.phone.net.NetLoop;
import io.hub.phone.net.TlsConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * A phone's HTTPS to one server: one kept-alive connection, one request at a time, opened again
 * when the server has closed it. Used on the {@link NetLoop} only; answers complete there.
 */
public final class HttpsClient implements TlsConnection.Listener {

    private final NetLoop loop;
    private final InetSocketAddress remote;
    private final String host;
    private final InetAddress local;
    private final SSLContext tls;
    private final Duration connectDeadline;
    private final String userAgent;
    private TlsConnection connection;
    private Exchange current;

    /**
     * @param host the server's name as the URL gives it: Host header, SNI and the name its certificate
     *     must carry
     * @param local the address to send from, or null for any
     */
    public HttpsClient(NetLoop loop, InetSocketAddress remote, String host, InetAddress local, SSLContext tls,
            Duration connectDeadline, String userAgent) {
        this.loop = loop;
        this.remote = remote;
        this.host = host;
        this.local = local;
        this.tls = tls;
        this.connectDeadline = connectDeadline;
        this.userAgent = userAgent;
    }

    /**
     * Sends a request and completes with the answer, or exceptionally with an {@link IOException}
     * naming why there is none (refused, TLS failure, closed mid-answer) or an {@link HttpFailure}.
     *
     * @param keepAtMost body bytes kept; 0 to only count and digest the body
     */
    public CompletableFuture<HttpAnswer> send(String method, String path, Map<String, String> headers, byte[] body,
            int keepAtMost) {
        loop.requireLoop();
        if (current != null) {
            throw new IllegalStateException("a request to " + host + " is still waiting for its answer");
        }
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(':')
                .append(remote.getPort()).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer request = ByteBuffer.allocate(headBytes.length + (body == null ? 0 : body.length)).put(headBytes);
        if (body != null) {
            request.put(body);
        }
        request.flip();
        Exchange exchange = new Exchange(request, new HttpResponseReader(method.equals("HEAD"), keepAtMost));
        current = exchange;
        if (connection != null && connection.isOpen()) {
            connection.send(exchange.request);
        } else {
            connection = TlsConnection.connect(loop, remote, local, tls, host, connectDeadline, this);
        }
        return exchange.answer;
    }

    /** The address requests leave from, once connected. */
    public InetSocketAddress localAddress() {
        return connection == null ? null : connection.localAddress();
    }

    /** Abandons a waiting request (its answer fails with {@code why}) and closes the connection. */
    public void close(String why) {
        if (connection != null) {
            connection.close(why);
        }
    }

    @Override
    public void opened(TlsConnection opened) {
        if (current != null && opened == connection) {
            opened.send(current.request);
        }
    }

    @Override
    public void received(ByteBuffer data) {
        Exchange exchange = current;
        if (exchange == null) {
            connection.close("the server sent bytes nobody asked for");
            return;
        }
        boolean done;
        try {
            done = exchange.reader.feed(data);
        } catch (HttpFailure e) {
            current = null;
            connection.close(e.getMessage());
            exchange.answer.completeExceptionally(e);
            return;
        }
        if (done) {
            current = null;
            if (!exchange.reader.keepsConnection()) {
                connection.close("the server closes after this answer");
            }
            exchange.answer.complete(exchange.reader.answer());
        }
    }

    @Override
    public void closed(String why) {
        Exchange exchange = current;
        current = null;
        if (exchange == null) {
            return;
        }
        if (exchange.reader.endOfStream()) {
            exchange.answer.complete(exchange.reader.answer());
        } else {
            exchange.answer.completeExceptionally(new IOException(why));
        }
    }

    private record Exchange(ByteBuffer request, HttpResponseReader reader, CompletableFuture<HttpAnswer> answer) {
        Exchange(ByteBuffer request, HttpResponseReader reader) {
            this(request, reader, new CompletableFuture<>());
        }
    }
}
