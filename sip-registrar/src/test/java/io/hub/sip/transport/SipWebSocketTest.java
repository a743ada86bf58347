package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.sip.LoopbackJetty;
import io.hub.sip.WebSocketBrowser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over WebSocket (RFC 7118) into the same transport as the TLS ports, with Jetty's client on
 * loopback: a text frame is a request answered down its flow; no {@code sip} subprotocol, a frame
 * that is not SIP, a binary frame and an oversized frame are refused and counted, and the other
 * flows go on.
 */
class SipWebSocketTest {

    @TempDir
    static Path home;
    private static HubPki pki;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final Handler handler = new Handler();
    private SipServer sip;
    private LoopbackJetty jetty;
    private WebSocketClient client;
    private URI uri;

    @BeforeAll
    static void pki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
    }

    @BeforeEach
    void start() throws Exception {
        sip = new SipServer(handler, pki.validator(), Clock.systemUTC(), SipServer.Limits.standard(), metrics,
                MessageParser.JAIN_SIP);
        jetty = LoopbackJetty.start(server -> SipWebSocketUpgrade.handler(server, sip));
        uri = URI.create("ws://127.0.0.1:" + jetty.port() + SipWebSocketUpgrade.PATH);
        client = new WebSocketClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        jetty.close();
        sip.close();
    }

    /** Answers every request 200 down its flow, and notes the flows it saw and the closes. */
    private static final class Handler implements SipHandler {
        final LinkedBlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> closed = new LinkedBlockingQueue<>();

        @Override
        public void request(SIPRequest request, Flow flow) {
            flows.add(flow);
            flow.send(request.createResponse(200, "OK").encode());
        }

        @Override
        public void flowClosed(Flow flow, String why) {
            closed.add(why);
        }
    }

    private Session open(WebSocketBrowser browser, String... subprotocols) throws Exception {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setSubProtocols(subprotocols);
        return client.connect(browser, uri, upgrade).get(10, TimeUnit.SECONDS);
    }

    private static String options(String callId) {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK" + callId + "\r\n"
                + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    private double refused(String reason) {
        return metrics.counter("hub.sip.refused", "reason", reason).count();
    }

    @Test
    void aTextFrameIsOneRequestAnsweredDownItsWebSocketFlow() throws Exception {
        WebSocketBrowser browser = new WebSocketBrowser();
        Session session = open(browser, "sip");
        assertEquals("sip", session.getUpgradeResponse().getAcceptedSubProtocol());
        session.sendText(options("ws-1"), Callback.NOOP);

        String answer = browser.nextFrame();
        assertTrue(answer.startsWith("SIP/2.0 200 OK\r\n"), answer);
        assertTrue(answer.contains("Call-ID: ws-1"), answer);
        Flow flow = handler.flows.poll(10, TimeUnit.SECONDS);
        assertEquals("WSS", flow.transport());
        assertTrue(flow.certificate(java.util.Optional.empty(), Clock.systemUTC().instant(), Duration.ZERO)
                .refusal().isPresent(), "a browser's flow has no client certificate to admit it");
        session.close();
        assertEquals("closed by the browser", handler.closed.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anUpgradeWithoutTheSipSubprotocolIsRefusedAndCounted() {
        ExecutionException refusal = assertThrows(ExecutionException.class, () -> open(new WebSocketBrowser()));
        assertTrue(String.valueOf(refusal.getCause().getMessage()).contains("403"), refusal.getCause().toString());
        assertEquals(1.0, refused("ws-subprotocol"));
    }

    @Test
    void aFrameThatIsNotSipIsCountedAndTheOtherFlowGoesOn() throws Exception {
        WebSocketBrowser bad = new WebSocketBrowser();
        Session badSession = open(bad, "sip");
        WebSocketBrowser good = new WebSocketBrowser();
        Session goodSession = open(good, "sip");

        badSession.sendText("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Callback.NOOP);
        goodSession.sendText(options("ws-good"), Callback.NOOP);

        assertTrue(good.nextFrame().startsWith("SIP/2.0 200 OK"));
        // The bad frame was handled before this one on the same flow, so it has been counted by now.
        badSession.sendText(options("ws-after"), Callback.NOOP);
        assertTrue(bad.nextFrame().contains("Call-ID: ws-after"));
        assertEquals(1.0, refused("malformed"));
    }

    @Test
    void anOversizedFrameClosesItsWebSocketWith1009AndIsCounted() throws Exception {
        WebSocketBrowser big = new WebSocketBrowser();
        Session bigSession = open(big, "sip");
        WebSocketBrowser other = new WebSocketBrowser();
        Session otherSession = open(other, "sip");

        bigSession.sendText("x".repeat(SipWebSocketUpgrade.MAX_FRAME_BYTES + 1), Callback.NOOP);

        assertEquals(1009, big.nextClose());
        assertTrue(handler.closed.poll(10, TimeUnit.SECONDS).startsWith("closed: 1009"));
        assertEquals(1.0, refused("framing"));
        otherSession.sendText(options("ws-other"), Callback.NOOP);
        assertTrue(other.nextFrame().startsWith("SIP/2.0 200 OK"));
    }

    @Test
    void aBinaryFrameClosesItsWebSocketAndIsCounted() throws Exception {
        WebSocketBrowser browser = new WebSocketBrowser();
        Session session = open(browser, "sip");
        session.sendBinary(java.nio.ByteBuffer.wrap(options("ws-bin").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Callback.NOOP);

        assertEquals(1008, browser.nextClose());
        assertEquals(1.0, refused("framing"));
    }
}
