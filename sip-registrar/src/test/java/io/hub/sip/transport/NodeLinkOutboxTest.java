package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MutableClock;
import io.hub.pki.NodeTls;
import io.hub.pki.PemFiles;
import io.hub.pki.ServerTls;
import io.hub.sip.SipTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link to a "node" that accepts mutual TLS and then never reads: sending down it never blocks the
 * sender, a full outbox refuses (counted), phones on the same server are still answered, and a write
 * stuck past the write timeout by the server's clock closes the link.
 */
class NodeLinkOutboxTest {

    private static final SipServer.Limits LIMITS = new SipServer.Limits(Duration.ofSeconds(1),
            Duration.ofSeconds(60), 1_000, 100_000, Duration.ofSeconds(2), Duration.ofSeconds(1), 64 * 1024);

    @TempDir
    Path home;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    /** Refusals in a row, each after a yield to the writer, that show its write is stuck. */
    private static final int STUCK_AFTER_REFUSALS = 200_000;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));
    private final LinkedBlockingQueue<String> closed = new LinkedBlockingQueue<>();
    private SipServer server;
    private SSLServerSocket deafNode;
    private SSLSocket accepted;
    private X509Certificate ca;
    private SSLContext nodeTls;
    private int phonePort;

    @BeforeEach
    void aServerAndANodeThatNeverReads() throws Exception {
        HubPki pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
        nodeTls = NodeTls.client(pki.serverCredentials(), ca);
        server = new SipServer(new SipHandler() {
            @Override
            public void request(SIPRequest request, Flow flow) {
                flow.send(request.createResponse(200, "OK").encode());
            }

            @Override
            public void flowClosed(Flow flow, String why) {
                closed.add(why);
            }
        }, pki.validator(), clock, LIMITS, metrics, MessageParser.JAIN_SIP);
        phonePort = server.listenTls(InetAddress.getLoopbackAddress(), 0,
                ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), true));
        deafNode = (SSLServerSocket) nodeTls.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
        deafNode.setNeedClientAuth(true);
        deafNode.setReceiveBufferSize(4096);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        if (accepted != null) {
            accepted.close();
        }
        deafNode.close();
    }

    @Test
    void aNodeThatNeverReadsFillsTheOutboxThenIsRefusedWhileOthersAreServedAndAStuckWriteClosesTheLink()
            throws Exception {
        Thread acceptor = new Thread(() -> {
            try {
                accepted = (SSLSocket) deafNode.accept();
                accepted.startHandshake();
            } catch (java.io.IOException e) {
                closed.add("deaf node: " + e.getMessage());
            }
        });
        acceptor.start();
        Flow link = server.connectNode(new InetSocketAddress(InetAddress.getLoopbackAddress(), deafNode.getLocalPort()),
                nodeTls, Duration.ofSeconds(10));
        acceptor.join(10_000);
        assertTrue(link.nodePeer() && link.linkOpenedHere(), "a link this node opened to a node");

        byte[] message = ("INVITE sip:x SIP/2.0\r\n" + "X: " + "a".repeat(4000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        int refusedInARow = 0;
        // Bounded: the writer drains the outbox into both sockets' buffers until those are full too;
        // from then on its write does not return and every message is refused. A write that merely
        // took a moment frees room and the next send is taken, so only a long run of refusals (each
        // giving the writer the processor) says the write is stuck, not a short one.
        for (int i = 0; i < 50_000_000 && !(refusedInARow >= STUCK_AFTER_REFUSALS && node(link).writing()); i++) {
            if (link.send(message)) {
                sent++;
                refusedInARow = 0;
            } else {
                refusedInARow++;
                Thread.yield();
            }
        }
        assertTrue(refusedInARow >= STUCK_AFTER_REFUSALS && node(link).writing(),
                "the outbox refuses once full and the node reads nothing; sent " + sent);
        // All the bound holds, to within one message (the next one would go over it), even when the
        // writer had not yet drained anything to the socket.
        assertTrue(sent * message.length > NodeLink.MAX_UNSENT_BYTES - message.length,
                "the outbox took its bound first; sent " + sent);
        assertTrue(link.isOpen(), "a full outbox refuses messages; it does not close the link by itself");
        assertTrue(metrics.counter("hub.sip.refused", "reason", "node-link-full").count() >= 50,
                "each refused message counted");

        try (SipTestClient phone = SipTestClient.tls(phonePort, ca, null, null)) {
            assertEquals(200, phone.send(options()).getStatusCode(), "a phone is answered meanwhile");
        }

        NodeLink node = node(link);
        assertFalse(node.closeIfStuck(), "the write has not yet been stuck for the write timeout");
        clock.advance(NodeLink.WRITE_TIMEOUT.plusSeconds(1));
        assertTrue(node.closeIfStuck(), () -> "a write stuck past the timeout closes the link: " + writerStacks());
        assertFalse(link.isOpen());
        String why = closed.poll(10, TimeUnit.SECONDS);
        if ("closed by the peer".equals(why)) {
            why = closed.poll(10, TimeUnit.SECONDS); // the phone's flow, closed before
        }
        assertEquals("write timed out", why, "the handler heard why the link closed");
        assertEquals(1.0, metrics.counter("hub.sip.refused", "reason", "node-link-stuck").count());
        assertFalse(link.send(message), "a closed link takes nothing");
        assertEquals(0, node.unsentBytes(), "what waited was dropped with the link");
    }

    private static NodeLink node(Flow link) {
        return (NodeLink) link.link();
    }

    private static String writerStacks() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("sip-node-link")) {
                out.append(thread.getName()).append(java.util.Arrays.toString(stack)).append('\n');
            }
        });
        return out.toString();
    }

    private static String options() {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bKo1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:a@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\n"
                + "Call-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }
}
