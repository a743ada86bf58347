package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MutableClock;
import io.hub.sip.LoopbackJetty;
import io.hub.sip.WebPortLimits;
import io.hub.sip.WebSocketBrowser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web port's caps and deadlines ({@link WebPortGuard}) on a real Jetty connector on loopback,
 * sources told apart by binding the clients to 127.0.0.1, .2 and .3: the connection beyond a source's
 * cap is closed while another source is served, the one beyond the port's cap too, a TCP connection
 * that never upgrades is closed at the handshake deadline and a WebSocket nobody registers on at the
 * register deadline, each counted in {@code hub.web.refused}. The deadlines run on a clock the test
 * moves, then sweeps; nothing waits for time to pass.
 */
class WebPortLimitsTest {

    @TempDir
    static Path home;
    private static HubPki pki;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final List<AutoCloseable> closing = new ArrayList<>();
    private SipServer sip;
    private WebPortGuard guard;
    private LoopbackJetty jetty;
    private int port;

    @BeforeAll
    static void pki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
    }

    @BeforeEach
    void start() throws Exception {
        sip = new SipServer(new Answering(), pki.validator(), Clock.systemUTC(), SipServer.Limits.standard(), metrics,
                MessageParser.JAIN_SIP);
        guard = new WebPortGuard(new WebPortLimits(2, 3, Duration.ofSeconds(10), Duration.ofSeconds(60)), clock,
                metrics);
        jetty = LoopbackJetty.start(server -> SipWebSocketUpgrade.handler(server, sip, guard),
                connector -> connector.addEventListener(guard));
        port = jetty.port();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        jetty.close();
        sip.close();
    }

    @Test
    void theConnectionBeyondASourcesCapIsClosedWhileAnotherSourceIsServed() throws Exception {
        connect("127.0.0.1");
        connect("127.0.0.1");
        await(() -> guard.openFrom(address("127.0.0.1")) == 2);

        Socket third = connect("127.0.0.1");

        assertClosedByHub(third);
        assertEquals(1.0, refused("per-source"));
        WebSocketBrowser other = new WebSocketBrowser();
        Session session = open(other, "127.0.0.2");
        session.sendText(options("cap-1"), Callback.NOOP);
        String answer = other.nextFrame();
        assertNotNull(answer, "another source's WebSocket is served");
        assertTrue(answer.startsWith("SIP/2.0 200"), answer);
    }

    @Test
    void theConnectionBeyondThePortsCapIsClosedWhateverItsSource() throws Exception {
        connect("127.0.0.1");
        connect("127.0.0.1");
        connect("127.0.0.2");
        await(() -> guard.openFrom(address("127.0.0.2")) == 1 && guard.openFrom(address("127.0.0.1")) == 2);

        assertClosedByHub(connect("127.0.0.3"));
        assertEquals(1.0, refused("connections"));
        assertEquals(0, guard.openFrom(address("127.0.0.3")));
    }

    @Test
    void aSilentTcpConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        Socket silent = connect("127.0.0.1");
        await(() -> guard.openFrom(address("127.0.0.1")) == 1);

        clock.advance(Duration.ofSeconds(9));
        guard.sweep();
        assertEquals(0.0, refused("handshake-timeout"), "not before its deadline");
        clock.advance(Duration.ofSeconds(2));
        guard.sweep();

        assertClosedByHub(silent);
        assertEquals(1.0, refused("handshake-timeout"));
        await(() -> guard.openFrom(address("127.0.0.1")) == 0);
    }

    @Test
    void aWebSocketNobodyRegistersOnIsClosedAtTheRegisterDeadlineNotAtTheHandshakeOne() throws Exception {
        WebSocketBrowser browser = new WebSocketBrowser();
        Session session = open(browser, "127.0.0.1");
        InetSocketAddress remote = (InetSocketAddress) session.getLocalSocketAddress();
        await(() -> guard.upgradedFrom(remote));

        clock.advance(Duration.ofSeconds(30));
        guard.sweep();
        assertTrue(session.isOpen(), "upgraded in time: the handshake deadline is met");
        clock.advance(Duration.ofSeconds(31));
        guard.sweep();

        assertEquals(StatusCode.POLICY_VIOLATION, browser.nextClose());
        assertEquals(1.0, refused("register-deadline"));
        assertEquals(0.0, refused("handshake-timeout"));
    }

    @Test
    void limitsThatCannotHoldAreRefusedByName() {
        assertThrows(IllegalArgumentException.class,
                () -> new WebPortLimits(0, 10, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        assertThrows(IllegalArgumentException.class,
                () -> new WebPortLimits(20, 10, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        IllegalArgumentException deadlines = assertThrows(IllegalArgumentException.class,
                () -> new WebPortLimits(2, 10, Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertTrue(deadlines.getMessage().contains("register deadline at least as long"), deadlines.getMessage());
        assertEquals(100, WebPortLimits.standard().connectionsPerSource());
    }

    /** Answers every request 200 down its flow. */
    private static final class Answering implements SipHandler {
        @Override
        public void request(SIPRequest request, Flow flow) {
            flow.send(request.createResponse(200, "OK").encode());
        }

        @Override
        public void flowClosed(Flow flow, String why) {
        }
    }

    /** A WebSocket offering {@code sip} from a client bound to {@code source}. */
    private Session open(WebSocketBrowser browser, String source) throws Exception {
        HttpClient http = new HttpClient();
        http.setBindAddress(new InetSocketAddress(source, 0));
        WebSocketClient client = new WebSocketClient(http);
        client.start();
        closing.add(client::stop);
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setSubProtocols("sip");
        return client.connect(browser, URI.create("ws://127.0.0.1:" + port + SipWebSocketUpgrade.PATH), upgrade)
                .get(10, TimeUnit.SECONDS);
    }

    /** A TCP connection from {@code source} that says nothing. */
    private Socket connect(String source) throws IOException {
        Socket socket = new Socket();
        closing.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The hub closed the socket: end of stream, or a reset. */
    private static void assertClosedByHub(Socket socket) {
        try {
            assertEquals(-1, socket.getInputStream().read(), "closed by the hub");
        } catch (IOException reset) {
            assertTrue(reset.getMessage() == null || !reset.getMessage().contains("timed out"), reset.toString());
        }
    }

    /** Waits, a bounded number of short turns, for the port to have seen what the test did. */
    private static void await(BooleanSupplier condition) {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        throw new AssertionError("the web port never got there");
    }

    /** A loopback address by its literal (never a lookup). */
    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static String options(String callId) {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK" + callId + "\r\n"
                + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    private double refused(String reason) {
        return metrics.counter("hub.web.refused", "reason", reason).count();
    }
}
