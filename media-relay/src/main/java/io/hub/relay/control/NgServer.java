package io.hub.relay.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ng control socket: UDP datagrams {@code <cookie> <bencoded dictionary>}, each answered to its
 * sender with the same cookie. A request whose cookie and sender were seen in the last
 * {@value #RETRANSMISSION_SECONDS} seconds gets the same reply again without being run twice, so a
 * retransmitted offer never allocates a second call (rtpengine keeps its cookies the same way).
 *
 * <p>Bad input is answered, never thrown: bytes that do not decode, a request that is not a
 * dictionary or lacks a key, an unknown command or call each get {@code result: error} with an
 * {@code error-reason}. Only a datagram without a cookie, which no reply could be matched to, is
 * dropped (and logged). One thread reads and answers, in order.
 */
public final class NgServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NgServer.class);
    static final int RETRANSMISSION_SECONDS = 30;
    /** rtpengine's cookies are short; a longer first word is not a cookie. */
    static final int MAX_COOKIE = 128;
    private static final int MAX_REMEMBERED = 4096;
    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65507;

    private final DatagramChannel channel;
    private final RelayCalls calls;
    /** Replies by source and cookie, kept for the retransmission window on the injected clock. */
    private final Cache<String, byte[]> replies;
    private volatile Thread thread;

    public NgServer(InetSocketAddress bind, RelayCalls calls, Clock clock) throws IOException {
        this.calls = calls;
        this.replies = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED)
                .expireAfterWrite(Duration.ofSeconds(RETRANSMISSION_SECONDS))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).executor(Runnable::run).build();
        this.channel = DatagramChannel.open();
        try {
            channel.bind(bind);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the ng socket is closed", e);
        }
    }

    public void start() {
        Thread reader = new Thread(this::run, "hub-ng-control");
        reader.setDaemon(true);
        thread = reader;
        reader.start();
        LOG.info("ng control listening on udp {}", address());
    }

    /** The reply to one datagram, or null when it has no cookie to answer with. */
    byte[] reply(byte[] data, int length, SocketAddress source) {
        int space = 0;
        while (space < length && space <= MAX_COOKIE && data[space] != ' ') {
            space++;
        }
        if (space == 0 || space >= length || space > MAX_COOKIE) {
            LOG.info("ng datagram of {} bytes from {} dropped: no cookie", length, source);
            return null;
        }
        String cookie = new String(data, 0, space, StandardCharsets.ISO_8859_1);
        String key = source + " " + cookie;
        byte[] earlier = replies.getIfPresent(key);
        if (earlier != null) {
            return earlier;
        }
        byte[] bytes = encode(cookie, answer(data, space + 1, length - space - 1, source));
        replies.put(key, bytes);
        return bytes;
    }

    private Map<String, Object> answer(byte[] data, int offset, int length, SocketAddress source) {
        String command = "request";
        try {
            NgRequest request = new NgRequest(Bencode.decode(data, offset, length));
            command = request.command();
            return calls.handle(request);
        } catch (BencodeException e) {
            return refused(command, source, "Invalid NG data format: " + e.getMessage());
        } catch (NgError e) {
            return refused(command, source, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("ng {} from {} failed", command, source, e);
            return Map.of("result", "error", "error-reason", "internal error: " + e);
        }
    }

    private static Map<String, Object> refused(String command, SocketAddress source, String reason) {
        LOG.info("ng {} from {} refused: {}", command, source, reason);
        return Map.of("result", "error", "error-reason", reason);
    }

    private static byte[] encode(String cookie, Map<String, Object> answer) {
        byte[] body = Bencode.encode(answer);
        if (cookie.length() + 1 + body.length > MAX_DATAGRAM) {
            body = Bencode.encode(Map.of("result", "error", "error-reason",
                    "the reply of " + body.length + " bytes does not fit a datagram"));
        }
        byte[] datagram = new byte[cookie.length() + 1 + body.length];
        System.arraycopy(cookie.getBytes(StandardCharsets.ISO_8859_1), 0, datagram, 0, cookie.length());
        datagram[cookie.length()] = ' ';
        System.arraycopy(body, 0, datagram, cookie.length() + 1, body.length);
        return datagram;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM + 1);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                SocketAddress source = channel.receive(buffer);
                byte[] reply = reply(buffer.array(), buffer.position(), source);
                if (reply != null) {
                    channel.send(ByteBuffer.wrap(reply), source);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // An ICMP error from an earlier reply's destination surfaces here; the next request goes on.
                LOG.debug("ng socket: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("ng socket close: {}", e.toString());
        }
        Thread reader = thread;
        if (reader != null && reader != Thread.currentThread()) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
