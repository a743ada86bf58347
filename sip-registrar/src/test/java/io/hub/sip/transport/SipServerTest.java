package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.LastFlightClient;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.pki.ServerTls;
import io.hub.pki.TlsProvider;
import io.hub.sip.SipTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport alone, over real TLS on loopback, with a handler that answers 200 (or waits when
 * told to): ordering per flow, a slow handler against other flows and pongs, thread-safe sends,
 * the output bound, input back-pressure, TLS versions, renegotiation and the deadlines.
 */
class SipServerTest {

    /** A handshake and a message get a second each here, so the deadlines are met within a test. */
    private static final SipServer.Limits LIMITS = new SipServer.Limits(Duration.ofSeconds(1),
            Duration.ofSeconds(60), 1_000, 100_000, Duration.ofSeconds(2), Duration.ofSeconds(1), 64 * 1024);

    @TempDir
    static Path home;

    private static HubPki pki;
    private static X509Certificate ca;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AnsweringHandler handler = new AnsweringHandler();
    private SipServer server;
    private int port;

    @BeforeAll
    static void pki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
    }

    private void start(SipServer.Limits limits) throws IOException {
        start(limits, MessageParser.JAIN_SIP);
    }

    private void start(SipServer.Limits limits, MessageParser parser) throws IOException {
        server = new SipServer(handler, pki.validator(), Clock.systemUTC(), limits, metrics, parser);
        SSLContext serverTls = ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY),
                true, tls());
        port = server.listenTls(InetAddress.getLoopbackAddress(), 0, serverTls);
    }

    /** The TLS the server runs on: the JDK's here, the native ones in the subclasses. */
    TlsProvider tls() {
        return TlsProvider.JDK;
    }

    @AfterEach
    void stop() {
        hangs.countDown();
        handler.gate.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** Answers every request 200 down its flow; Call-IDs starting with "wait" wait for the gate first. */
    private static final class AnsweringHandler implements SipHandler {
        final CountDownLatch gate = new CountDownLatch(1);
        final LinkedBlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
        final List<Long> order = Collections.synchronizedList(new ArrayList<>());
        final LinkedBlockingQueue<String> closed = new LinkedBlockingQueue<>();

        @Override
        public void request(SIPRequest request, Flow flow) {
            flows.add(flow);
            if (request.getCallId().getCallId().startsWith("trusted")) {
                flow.trust();
            }
            if (request.getCallId().getCallId().startsWith("wait")) {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            order.add(request.getCSeq().getSeqNumber());
            flow.send(request.createResponse(200, "OK").encode());
        }

        @Override
        public void flowClosed(Flow flow, String why) {
            closed.add(why);
        }
    }

    private static String options(String callId, long cseq) {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bK" + callId + cseq + "\r\n"
                + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq
                + " OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    private SipTestClient client() throws Exception {
        return SipTestClient.tls(port, ca, null, null);
    }

    private double refused(String reason) {
        return metrics.counter("hub.sip.refused", "reason", reason).count();
    }

    @Test
    void everyRequestReachesTheHandlerWithWhereItReallyCameFromOnItsVia() throws Exception {
        start(LIMITS);
        try (SipTestClient phone = client()) {
            SIPResponse answer = phone.send(options("stamped", 1));

            var via = answer.getTopmostVia();
            assertEquals("10.0.0.5", via.getHost(), "the phone's own sent-by stays");
            assertEquals("127.0.0.1", via.getReceived(), "received names the flow's address");
            assertEquals(phone.socket().getLocalPort(), via.getRPort(), "rport names the flow's port");
        }
    }

    @Test
    void aSlowHandlerHoldsUpItsOwnFlowButNeitherOthersNorPongs() throws Exception {
        start(LIMITS);
        try (SipTestClient slow = client(); SipTestClient quick = client()) {
            slow.write(options("wait-1", 1));
            handler.flows.poll(10, TimeUnit.SECONDS);

            assertEquals(200, quick.send(options("quick", 1)).getStatusCode(), "another flow is served");
            quick.write("\r\n\r\n");
            assertEquals("\r\n", quick.readRaw(2));
            slow.write("\r\n\r\n");
            assertEquals("\r\n", slow.readRaw(2), "the waiting flow's own ping is answered");

            handler.gate.countDown();
            assertEquals(200, ((SIPResponse) slow.readMessage()).getStatusCode());
        }
    }

    @Test
    void messagesOfOneFlowAreHandledInTheOrderTheyArrived() throws Exception {
        start(LIMITS);
        try (SipTestClient phone = client()) {
            StringBuilder burst = new StringBuilder();
            for (int cseq = 1; cseq <= 100; cseq++) {
                burst.append(options("burst", cseq));
            }
            phone.write(burst.toString());

            for (long cseq = 1; cseq <= 100; cseq++) {
                assertEquals(cseq, ((SIPResponse) phone.readMessage()).getCSeq().getSeqNumber());
            }
            assertEquals(100, handler.order.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(i + 1, handler.order.get(i));
            }
        }
    }

    @Test
    void sendsFromManyThreadsArriveWhole() throws Exception {
        start(LIMITS);
        try (SipTestClient phone = client()) {
            phone.send(options("first", 1));
            Flow flow = handler.flows.poll(10, TimeUnit.SECONDS);
            ExecutorService senders = Executors.newFixedThreadPool(8);
            String body = "x".repeat(3000);
            for (int t = 0; t < 8; t++) {
                int thread = t;
                senders.execute(() -> {
                    for (int i = 0; i < 25; i++) {
                        flow.send("MESSAGE sip:1001@10.0.0.5 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bK"
                                + thread + "x" + i + "\r\nFrom: <sip:hub@hub.test>;tag=h\r\nTo: <sip:1001@hub.test>\r\n"
                                + "Call-ID: m" + thread + "\r\nCSeq: " + (i + 1) + " MESSAGE\r\nMax-Forwards: 70\r\n"
                                + "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                    }
                });
            }
            senders.shutdown();

            for (int i = 0; i < 200; i++) {
                SIPMessage message = phone.readMessage();
                assertTrue(message instanceof SIPRequest, "message " + i + " arrived whole");
                assertEquals(body, new String(message.getRawContent(), StandardCharsets.US_ASCII));
            }
            assertTrue(senders.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPeerThatDoesNotReadIsDroppedNotBufferedWithoutLimit() throws Exception {
        start(LIMITS);
        try (Socket raw = new Socket()) {
            raw.setReceiveBufferSize(4096);
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            SSLSocket tls = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                    .createSocket(raw, "localhost", port, true);
            tls.startHandshake();
            SipTestClient deaf = SipTestClient.over(tls);
            deaf.send(options("deaf", 1));
            Flow flow = handler.flows.poll(10, TimeUnit.SECONDS);

            String notice = options("notice", 1).replace("OPTIONS", "NOTIFY") + "x".repeat(1000);
            int sent = 0;
            while (sent < 100_000 && flow.send(notice)) {
                sent++;
            }

            assertTrue(sent < 100_000, "sending stopped once the queue passed its bound, after " + sent);
            assertFalse(flow.isOpen());
            assertFalse(flow.send(notice), "a dropped flow takes nothing more");
            assertTrue(handler.closed.poll(10, TimeUnit.SECONDS).startsWith("not reading"));
            assertEquals(1.0, refused("slow-reader"));
        }
        try (SipTestClient next = client()) {
            assertEquals(200, next.send(options("next", 1)).getStatusCode());
        }
    }

    @Test
    void aFlowWhoseHandlerIsBehindStopsReading() throws Exception {
        start(LIMITS);
        Socket raw = new Socket("127.0.0.1", port);
        ExecutorService writing = Executors.newSingleThreadExecutor();
        try {
            SSLSocket tls = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                    .createSocket(raw, "localhost", port, true);
            tls.startHandshake();
            SipTestClient flooder = SipTestClient.over(tls);
            AtomicLong written = new AtomicLong();
            // Large messages, so the kernel's buffers (tens of MB on loopback) fill in few writes.
            String body = "x".repeat(16 * 1024);
            String message = options("wait-flood", 1).replace("Content-Length: 0\r\n\r\n",
                    "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            long total = 256L * 1024 * 1024;
            Future<?> writer = writing.submit(() -> {
                while (written.get() < total) {
                    flooder.write(message);
                    written.addAndGet(message.length());
                }
                return null;
            });
            long seen = -1;
            for (int i = 0; i < 120 && !writer.isDone() && written.get() != seen; i++) {
                seen = written.get();
                Thread.sleep(500);
            }

            assertFalse(writer.isDone(), "the hub stopped taking input while its handler waited: "
                    + written.get() + " of " + total + " bytes written");
            assertTrue(handler.order.isEmpty());
        } finally {
            // The raw socket, not the TLS one: closing that would wait for the blocked write.
            raw.close();
            writing.shutdownNow();
        }
    }

    @Test
    void tls12AndTls13AreServedAndRenegotiationIsRefused() throws Exception {
        start(LIMITS);
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            SSLSocket tls = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                    .createSocket("localhost", port);
            tls.setEnabledProtocols(new String[] {protocol});
            try (SipTestClient phone = SipTestClient.over(tls)) {
                assertEquals(200, phone.send(options(protocol, 1)).getStatusCode(), protocol);
                assertEquals(protocol, tls.getSession().getProtocol());
                if (protocol.equals("TLSv1.2")) {
                    try {
                        tls.startHandshake();
                        phone.write(options(protocol, 2));
                    } catch (IOException refused) {
                        // The hub may close before the client finishes asking.
                    }
                    assertTrue(phone.closedByHub(), "a renegotiation closes the connection");
                }
            }
        }
        assertEquals(1.0, refused("renegotiation"));
    }

    @Test
    void aRequestSentInTheSameWriteAsTheLastHandshakeFlightIsAnswered() throws Exception {
        start(LIMITS);
        // With a phone's certificate, as the emulator's phones on the JDK's TLS send it.
        DeviceCertificates.IssuedCertificate own = pki.issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse("00809f123456"), "Myriad M7"), home.resolve("last-flight"),
                true);
        SSLEngine engine = SipTestClient.context(ca, own.certificate(), own.keys().getPrivate())
                .createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            LastFlightClient phone = new LastFlightClient(engine, socket);
            phone.handshakeSending(options("with-finished", 1));
            String answer = phone.readUntil("\r\n\r\n");
            assertTrue(answer.startsWith("SIP/2.0 200 "), answer);
        }
    }

    @Test
    void aClientWithoutAnAeadSuiteOrWithoutTlsFailsTheHandshakeAndIsCounted() throws Exception {
        start(LIMITS);
        SSLSocket cbc = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                .createSocket("localhost", port);
        cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
        cbc.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
        try (cbc) {
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class, cbc::startHandshake);
        }
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(options("plain", 1).getBytes(StandardCharsets.US_ASCII));
            String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertFalse(answer.startsWith("SIP/2.0"), "plain SIP on the TLS port gets a TLS alert at most");
        }
        awaitCount("handshake-failed", 2.0);
    }

    @Test
    void aConnectionThatNeverStartsTlsIsClosedAtTheHandshakeDeadline() throws Exception {
        start(LIMITS);
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout(10_000);
            assertEquals(-1, silent.getInputStream().read(), "closed after the 1 s deadline");
        }
        assertEquals(1.0, refused("handshake-timeout"));
        for (int i = 0; i < 100 && server.connections() > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, server.connections(), "its slot is free again");
    }

    @Test
    void aPingSentOneByteARecordGetsItsPong() throws Exception {
        start(LIMITS);
        try (SipTestClient phone = client()) {
            for (String b : List.of("\r", "\n", "\r", "\n")) {
                phone.write(b);
            }
            assertEquals("\r\n", phone.readRaw(2));
        }
    }

    @Test
    void aRequestSentByteByByteInTimeIsAnswered() throws Exception {
        start(new SipServer.Limits(LIMITS.handshakeTimeout(), LIMITS.defaultIdleTimeout(), 1_000, 100_000,
                LIMITS.densityWindow(), Duration.ofSeconds(60), LIMITS.maxUnsentBytes()));
        try (SipTestClient phone = client()) {
            for (char c : options("trickle", 1).toCharArray()) {
                phone.write(String.valueOf(c));
                Thread.sleep(1);
            }
            assertEquals(200, ((SIPResponse) phone.readMessage()).getStatusCode());
        }
    }

    @Test
    void aRequestThatTakesLongerThanTheMessageTimeoutClosesTheConnection() throws Exception {
        start(LIMITS);
        try (SipTestClient slowloris = client()) {
            String request = options("slowloris", 1);
            try {
                // Twenty bytes a tenth of a second apart: two seconds on a message allowed one.
                for (int i = 0; i < 20; i++) {
                    slowloris.write(request.substring(i, i + 1));
                    Thread.sleep(100);
                }
            } catch (IOException closedMeanwhile) {
                // The hub may close before the last byte.
            }

            assertTrue(slowloris.closedByHub());
            assertTrue(handler.order.isEmpty());
        }
        assertTrue(handler.closed.poll(10, TimeUnit.SECONDS).startsWith("a message took longer"));
        assertEquals(1.0, refused("slow-sender"));
    }

    @Test
    void plainTcpIsServedTheSameWay() throws Exception {
        start(LIMITS);
        int plain = server.listenTcp(InetAddress.getLoopbackAddress(), 0);
        try (SipTestClient tester = SipTestClient.tcp(plain)) {
            assertEquals(200, tester.send(options("tcp", 1)).getStatusCode());
            tester.write("\r\n\r\n");
            assertEquals("\r\n", tester.readRaw(2));
            assertEquals("TCP", handler.flows.poll(10, TimeUnit.SECONDS).transport());
        }
    }

    @Test
    void anOversizedMessageIsAnsweredBeforeTheConnectionCloses() throws Exception {
        start(LIMITS);
        try (SipTestClient phone = client()) {
            phone.write("REGISTER sip:hub.test SIP/2.0\r\nX-Padding: " + "x".repeat(200_000) + "\r\n\r\n");

            assertEquals(513, ((SIPResponse) phone.readMessage()).getStatusCode());
            assertTrue(phone.closedByHub());
        }
        assertEquals(1.0, refused("framing"));
    }

    /** Released when the test ends: until then a message with an X-Hang header never finishes parsing. */
    private final CountDownLatch hangs = new CountDownLatch(1);
    private final AtomicLong parsed = new AtomicLong();

    /**
     * JAIN-SIP's parser, counted, except for a message carrying X-Hang: that one loops without ever
     * looking at its interrupt, as a parser defect would, until the test ends.
     */
    private final MessageParser hangingParser = (bytes, errors) -> {
        parsed.incrementAndGet();
        if (new String(bytes, StandardCharsets.UTF_8).contains("X-Hang:")) {
            while (hangs.getCount() > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
        return MessageParser.JAIN_SIP.parse(bytes, errors);
    };

    private static String hanging(String callId) {
        return options(callId, 1).replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Hang: 1\r\n");
    }

    @Test
    void parsesThatNeverEndCloseTheirFlowsAndEveryoneElseIsStillServed() throws Exception {
        start(LIMITS, hangingParser);
        try (SipTestClient first = client(); SipTestClient second = client()) {
            first.write(hanging("hang-1"));
            second.write(hanging("hang-2"));

            assertTrue(first.closedByHub(), "a message the parser never finished closes its flow");
            assertTrue(second.closedByHub());
        }
        assertEquals(2.0, refused("parse-timeout"));
        assertEquals(2, server.dispatcher().stuckParses(), "both parses still hold their threads");
        assertEquals(2.0, metrics.get("hub.sip.parses.stuck").gauge().value(), "and the gauge says so");
        try (SipTestClient phone = client(); SipTestClient again = client()) {
            assertEquals(200, phone.send(options("after-hangs", 1)).getStatusCode(),
                    "a third phone is served while two parses never end");
            long before = parsed.get();
            again.write(hanging("hang-1"));

            assertTrue(again.closedByHub(), "the same message again is refused");
            assertEquals(before, parsed.get(), "without being parsed again");
        }
    }

    @Test
    void aSourceOverItsDensityIsAnswered503WithoutItsMessagesBeingParsed() throws Exception {
        start(new SipServer.Limits(LIMITS.handshakeTimeout(), LIMITS.defaultIdleTimeout(), 1_000, 20,
                Duration.ofMinutes(10), LIMITS.messageTimeout(), LIMITS.maxUnsentBytes()), hangingParser);
        try (SipTestClient flooder = client()) {
            StringBuilder flood = new StringBuilder();
            for (int cseq = 1; cseq <= 100; cseq++) {
                flood.append(options("flood", cseq));
            }
            flooder.write(flood.toString());

            int busy = 0;
            for (int i = 0; i < 100; i++) {
                SIPResponse response = (SIPResponse) flooder.readMessage();
                if (response.getStatusCode() == 503) {
                    busy++;
                    assertEquals(i + 1, response.getCSeq().getSeqNumber(), "the answer is the request's own");
                    assertEquals("flood", response.getCallId().getCallId());
                    assertTrue(((javax.sip.header.RetryAfterHeader) response.getHeader("Retry-After")).getRetryAfter() >= 1);
                }
            }
            // The connection itself took one of the 20.
            assertEquals(81, busy);
            assertEquals(19, parsed.get(), "only what was within the density was parsed");
            assertEquals(81.0, refused("density"));
            assertEquals(1.0, metrics.get("hub.sip.guard.keys").tag("guard", "requests-per-source").gauge().value(),
                    "one source counted");
        }
    }

    @Test
    void aRegisteredFlowFloodingValidRequestsIsSlowedThenClosedWhileAnotherFlowIsServed() throws Exception {
        start(LIMITS.flowDensity(10));
        try (SipTestClient flooder = client(); SipTestClient neighbour = client()) {
            assertEquals(200, flooder.send(options("trusted-flooder", 1)).getStatusCode());
            assertEquals(200, neighbour.send(options("trusted-neighbour", 1)).getStatusCode());
            StringBuilder flood = new StringBuilder();
            for (int cseq = 2; cseq <= 200; cseq++) {
                flood.append(options("trusted-flooder", cseq));
            }
            flooder.write(flood.toString());

            int ok = 1;
            int busy = 0;
            try {
                for (int i = 0; i < 200; i++) {
                    SIPResponse response = (SIPResponse) flooder.readMessage();
                    if (response.getStatusCode() == 503) {
                        busy++;
                        assertTrue(((javax.sip.header.RetryAfterHeader) response.getHeader("Retry-After")).getRetryAfter() >= 1);
                    } else {
                        ok++;
                    }
                }
            } catch (IOException closed) {
                // The hub closed the flood's flow: what it read back before is what counts.
            }
            assertEquals(11, ok, "the request before it registered, then the flow's budget, are served");
            assertEquals(30, busy, "then 503 up to four budgets");
            assertTrue(flooder.closedByHub(), "beyond four budgets the flow is closed");
            assertEquals(200, neighbour.send(options("trusted-neighbour", 2)).getStatusCode(),
                    "another phone's flow from the same address goes on");
        }
        assertEquals(31.0, refused("flow-density"), "30 answered 503, and the close");
    }

    private void awaitCount(String reason, double expected) throws InterruptedException {
        for (int i = 0; i < 100 && refused(reason) < expected; i++) {
            Thread.sleep(50);
        }
        assertEquals(expected, refused(reason), reason);
    }
}
