package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.PemFiles;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.transport.SipServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-open connections by the thousand, TLS clients that say nothing, a request trickled byte by
 * byte, a client that never reads: each is dropped and counted in {@code hub.sip.refused}, while a
 * phone registered on its own flow keeps getting its REGISTER answered and its pings ponged.
 */
class HostileClientsTest {

    /** Short deadlines, so what the hub drops it drops within the test. */
    private static final SipServer.Limits LIMITS = new SipServer.Limits(Duration.ofSeconds(2), Duration.ofSeconds(3),
            10_000, 400, Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024);
    private static final String CONTACT = "<sip:1001@10.0.0.5;transport=tls;ob>;+sip.instance=\"<urn:uuid:00-1>\";reg-id=1";

    @TempDir
    Path home;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<Socket> hostile = Collections.synchronizedList(new ArrayList<>());
    private X509Certificate ca;
    private SipService sip;
    private SipTestClient phone;

    @BeforeEach
    void start() throws Exception {
        HubPki pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
        // The phone re-registers between bursts, faster than a phone would: the per-AOR rate is another test's.
        sip = TestSip.with(pki, home).limits(LIMITS).metrics(metrics)
                .settings(RegistrarSettings.standard().withRegistersPerAorPerSecond(1_000)).start();
        phone = SipTestClient.tls(sip.tlsPort(), ca, null, null);
        assertPhoneServed();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : hostile) {
            socket.close();
        }
        phone.close();
        sip.close();
    }

    /** The registered phone re-registers (200) and its ping gets a pong. */
    private void assertPhoneServed() throws Exception {
        assertEquals(200, phone.registerWithPassword("1001", "secret", "MD5", CONTACT, "Supported: outbound")
                .getStatusCode());
        phone.write("\r\n\r\n");
        assertEquals("\r\n", phone.readRaw(2));
    }

    private double refused(String reason) {
        return metrics.counter("hub.sip.refused", "reason", reason).count();
    }

    private void awaitRefused(String reason, double expected) throws Exception {
        for (int i = 0; i < 600 && refused(reason) < expected; i++) {
            Thread.sleep(50);
        }
        assertEquals(expected, refused(reason), () -> reason + "; every refusal: " + metrics.find("hub.sip.refused")
                .counters().stream().map(c -> c.getId().getTag("reason") + "=" + c.count()).toList());
    }

    /** A socket from 127.0.{net}.{host}: many sources, as phones behind many NATs. */
    private Socket connectFrom(int net, int n) throws IOException {
        return connectFrom(net, n, 0);
    }

    /** The same with a small receive window ({@code receiveBuffer} bytes, set before connecting). */
    private Socket connectFrom(int net, int n, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        hostile.add(socket);
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) net,
                (byte) (2 + n % 50)}), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sip.tlsPort()), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void thousandsOfConnectionsThatNeverStartTlsAreClosedAtTheDeadline() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            connectFrom(1, i);
        }
        assertPhoneServed();

        awaitRefused("handshake-timeout", 2_000);
        assertPhoneServed();
        for (Socket socket : hostile.subList(0, 10)) {
            assertEquals(-1, socket.getInputStream().read(), "the hub closed it");
        }
    }

    @Test
    void tlsClientsThatHandshakeAndSayNothingAreClosedWhenTheirSilenceRunsOut() throws Exception {
        ExecutorService handshakes = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 300; i++) {
            int n = i;
            handshakes.execute(() -> {
                try {
                    Socket raw = connectFrom(2, n);
                    SSLSocket tls = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                            .createSocket(raw, "localhost", sip.tlsPort(), true);
                    tls.startHandshake();
                    // Held, or the collector closes the connection for the client.
                    hostile.add(tls);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        handshakes.shutdown();
        assertPhoneServed();
        assertTrue(handshakes.awaitTermination(60, TimeUnit.SECONDS));

        awaitRefused("silent", 300);
        assertPhoneServed();
    }

    @Test
    void aRequestTrickledSlowerThanAllowedIsDropped() throws Exception {
        try (SipTestClient slow = SipTestClient.tls(sip.tlsPort(), ca, null, null)) {
            String request = slow.register("1001", CONTACT);
            try {
                // Thirty bytes a fifth of a second apart: six seconds on a message allowed two.
                for (int i = 0; i < 30; i++) {
                    slow.write(request.substring(i, i + 1));
                    assertPhoneServedEvery(i, 10);
                    Thread.sleep(200);
                }
            } catch (IOException closedMeanwhile) {
                // The hub may close before the last byte.
            }
            assertTrue(slow.closedByHub());
        }
        awaitRefused("slow-sender", 1);
        assertPhoneServed();
    }

    private void assertPhoneServedEvery(int i, int every) throws Exception {
        if (i % every == 0) {
            assertPhoneServed();
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersIsDropped() throws Exception {
        Socket raw = connectFrom(3, 0, 4096);
        SSLSocket tls = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                .createSocket(raw, "localhost", sip.tlsPort(), true);
        tls.startHandshake();
        hostile.add(tls);
        SipTestClient deaf = SipTestClient.over(tls);
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            burst.append("OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.9;branch=z9hG4bKd").append(i)
                    .append("\r\nFrom: <sip:9@hub.test>;tag=d\r\nTo: <sip:hub.test>\r\nCall-ID: deaf\r\nCSeq: ")
                    .append(i + 1).append(" OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        }
        try {
            for (int i = 0; i < 2_000 && refused("slow-reader") == 0; i++) {
                deaf.write(burst.toString());
                assertPhoneServedEvery(i, 100);
            }
        } catch (IOException dropped) {
            // The hub dropped the connection while it was still writing.
        }

        awaitRefused("slow-reader", 1);
        assertPhoneServed();
    }
}
