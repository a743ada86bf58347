package io.hub.phone.sip;

import io.hub.phone.net.NetLoop;
import io.hub.phone.net.TlsConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A phone's SIP-TLS connection: the RFC 5626 flow everything between the phone and its registrar
 * travels on. Requests the phone sends wait for their final answer, matched by Via branch, under a
 * deadline; requests from the server go to the {@link Handler}; CRLF pings get their pong timed.
 * Used on the {@link NetLoop} only.
 */
public final class SipFlow implements TlsConnection.Listener, SipStreamReader.Sink {

    /** What the phone does with what arrives on its flow. */
    public interface Handler {
        /** A request from the server; the handler answers it with {@link #send}. */
        void request(SipFlow flow, SipMessage request);

        /** The flow ended (once); pending requests have already failed with {@code why}. */
        void closed(SipFlow flow, String why);
    }

    private final NetLoop loop;
    private final Handler handler;
    private final SipStreamReader reader = new SipStreamReader();
    private final CompletableFuture<SipFlow> opened = new CompletableFuture<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final ArrayDeque<Ping> pings = new ArrayDeque<>();
    private TlsConnection connection;
    private String closedWhy;

    private SipFlow(NetLoop loop, Handler handler) {
        this.loop = loop;
        this.handler = handler;
    }

    /** Opens a flow to {@code remote}; {@link #opened()} completes when TLS is up, or fails with why not. */
    public static SipFlow connect(NetLoop loop, InetSocketAddress remote, InetAddress local, SSLContext tls,
            String serverName, Duration deadline, Handler handler) {
        SipFlow flow = new SipFlow(loop, handler);
        flow.connection = TlsConnection.connect(loop, remote, local, tls, serverName, deadline, flow);
        return flow;
    }

    public CompletableFuture<SipFlow> opened() {
        return opened;
    }

    public boolean isOpen() {
        return closedWhy == null && connection.isOpen();
    }

    /** {@code ip:port} of the phone's end, as Via and Contact name it. */
    public String localHostPort() {
        InetSocketAddress local = connection.localAddress();
        return local == null ? "0.0.0.0:0" : hostPort(local);
    }

    public String cipherSuite() {
        return connection.cipherSuite();
    }

    /** A fresh RFC 3261 branch. */
    public static String newBranch() {
        return "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /**
     * Sends a request and completes with its final answer; provisional answers go to
     * {@code provisional}. Fails with {@link TimeoutException} past {@code timeout}, or with an
     * {@link IOException} when the flow ends first.
     */
    public CompletableFuture<SipMessage> request(SipMessage request, Duration timeout,
            Consumer<SipMessage> provisional) {
        loop.requireLoop();
        CompletableFuture<SipMessage> answer = new CompletableFuture<>();
        if (closedWhy != null) {
            answer.completeExceptionally(new IOException(closedWhy));
            return answer;
        }
        String branch = request.branch();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            Pending gone = pending.remove(branch);
            if (gone != null) {
                gone.answer.completeExceptionally(new TimeoutException("no answer to " + request.method()
                        + " within " + timeout.toSeconds() + " s"));
            }
        }, timeout);
        pending.put(branch, new Pending(answer, provisional, timer));
        send(request);
        return answer;
    }

    /** Sends a message that expects no answer here (responses, ACK). */
    public void send(SipMessage message) {
        loop.requireLoop();
        if (isOpen()) {
            connection.send(ByteBuffer.wrap(message.encode()));
        }
    }

    /** Sends a CRLF ping (RFC 5626 §4.4.1) and completes with the time until its pong. */
    public CompletableFuture<Duration> ping(Duration timeout) {
        loop.requireLoop();
        Ping ping = new Ping(System.nanoTime(), new CompletableFuture<>());
        if (!isOpen()) {
            ping.pong.completeExceptionally(new IOException(closedWhy == null ? "the flow is not open" : closedWhy));
            return ping.pong;
        }
        pings.add(ping);
        loop.schedule(() -> {
            if (pings.remove(ping)) {
                ping.pong.completeExceptionally(new TimeoutException("no pong within " + timeout.toSeconds() + " s"));
            }
        }, timeout);
        connection.send(ByteBuffer.wrap("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        return ping.pong;
    }

    public void close(String why) {
        connection.close(why);
    }

    @Override
    public void opened(TlsConnection ignored) {
        opened.complete(this);
    }

    @Override
    public void received(ByteBuffer data) {
        try {
            reader.feed(data, this);
        } catch (IllegalArgumentException e) {
            connection.close("unreadable SIP from " + connection.peer() + ": " + e.getMessage());
        }
    }

    @Override
    public void closed(String why) {
        closedWhy = why;
        opened.completeExceptionally(new IOException(why));
        List<Pending> waiting = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : waiting) {
            p.timer.cancel(false);
            p.answer.completeExceptionally(new IOException(why));
        }
        for (Ping ping; (ping = pings.poll()) != null; ) {
            ping.pong.completeExceptionally(new IOException(why));
        }
        handler.closed(this, why);
    }

    @Override
    public void message(SipMessage message) {
        if (message.isRequest()) {
            handler.request(this, message);
            return;
        }
        Pending waiting = pending.get(message.branch());
        if (waiting == null) {
            return; // a late or repeated answer
        }
        if (message.status() < 200) {
            if (waiting.provisional != null) {
                waiting.provisional.accept(message);
            }
            return;
        }
        pending.remove(message.branch());
        waiting.timer.cancel(false);
        waiting.answer.complete(message);
    }

    @Override
    public void pong() {
        Ping ping = pings.poll();
        if (ping != null) {
            ping.pong.complete(Duration.ofNanos(System.nanoTime() - ping.sentNanos));
        }
    }

    @Override
    public void ping() {
        // A server checking the flow (RFC 5626 §4.4.1 works both ways): answer with a pong.
        connection.send(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private record Pending(CompletableFuture<SipMessage> answer, Consumer<SipMessage> provisional,
            ScheduledFuture<?> timer) {
    }

    private record Ping(long sentNanos, CompletableFuture<Duration> pong) {
    }
}
