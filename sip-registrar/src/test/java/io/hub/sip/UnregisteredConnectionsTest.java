package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.PemFiles;
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
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source cannot hold the SIP connection slots: it keeps at most a few connections nobody
 * registered on (the oldest gives way to the newest), each must see a phone register within the
 * register deadline whatever it pings, and phones that did register are never counted, so a NAT
 * full of them is never refused. Through the real TLS listener.
 */
class UnregisteredConnectionsTest {

    private static final int CAP = 50;
    private static final InetAddress SQUATTER = address(127, 0, 0, 3);
    private static final InetAddress OFFICE = address(127, 0, 0, 2);

    @TempDir
    Path home;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<Socket> sockets = new ArrayList<>();
    private X509Certificate ca;
    private HubPki pki;
    private SipService sip;

    @BeforeEach
    void pki() throws Exception {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (sip != null) {
            sip.close();
        }
    }

    private void start(SipServer.Limits limits) throws Exception {
        sip = TestSip.with(pki, home).limits(limits).metrics(metrics).start();
    }

    /** Generous everywhere but the two limits under test; density high so only they refuse. */
    private static SipServer.Limits limits(int cap, Duration registerDeadline) {
        return new SipServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), 10_000, 1_000_000,
                Duration.ofSeconds(2)).unregistered(cap, registerDeadline);
    }

    private SipTestClient phoneFrom(InetAddress source) throws Exception {
        SSLSocket socket = (SSLSocket) SipTestClient.context(ca, null, null).getSocketFactory()
                .createSocket("localhost", sip.tlsPort(), source, 0);
        sockets.add(socket);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return SipTestClient.over(socket);
    }

    private static String contact(int n) {
        return "<sip:" + (1000 + n) + "@10.0.0." + n + ";transport=tls;ob>;+sip.instance=\"<urn:uuid:00-" + n
                + ">\";reg-id=1";
    }

    private static void assertServed(SipTestClient phone, int n) throws Exception {
        assertEquals(200, phone.registerWithPassword(String.valueOf(1000 + n), "secret", "MD5", contact(n),
                "Supported: outbound").getStatusCode());
        phone.write("\r\n\r\n");
        assertEquals("\r\n", phone.readRaw(2));
    }

    private Socket rawFrom(InetAddress source) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sip.tlsPort()), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private double refused(String reason) {
        return metrics.counter("hub.sip.refused", "reason", reason).count();
    }

    private void awaitRefused(String reason, double expected) throws Exception {
        for (int i = 0; i < 600 && refused(reason) < expected; i++) {
            Thread.sleep(50);
        }
        assertEquals(expected, refused(reason), reason);
    }

    @Test
    void twoThousandConnectionsFromOneSourceKeepOnlyTheNewestFiftyWhileAPhoneElsewhereRegisters() throws Exception {
        start(limits(CAP, Duration.ofSeconds(60)));
        for (int i = 0; i < 2_000; i++) {
            rawFrom(SQUATTER);
        }
        awaitRefused("unregistered-cap", 2_000 - CAP);

        assertEquals(CAP, sip.server().unregisteredFrom(SQUATTER));
        assertEquals(-1, sockets.get(0).getInputStream().read(), "the oldest gave way");
        assertEquals(-1, sockets.get(2_000 - CAP - 1).getInputStream().read(), "the last of the evicted");
        SipTestClient phone = phoneFrom(OFFICE);
        assertServed(phone, 1);
        assertEquals(200, phone.send("OPTIONS sip:hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK-options-1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:1001@hub.test>;tag=o1\r\nTo: <sip:hub.test>\r\n"
                + "Call-ID: options-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").getStatusCode());
        assertEquals(0, refused("connections"));
    }

    @Test
    void phonesRegisteredBehindOneAddressAreNeverCountedAgainstItsCap() throws Exception {
        start(limits(3, Duration.ofSeconds(60)));
        List<SipTestClient> phones = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            SipTestClient phone = phoneFrom(OFFICE);
            assertServed(phone, n);
            phones.add(phone);
        }
        assertEquals(0, sip.server().unregisteredFrom(OFFICE));

        for (int n = 1; n <= 8; n++) {
            assertServed(phones.get(n - 1), n);
        }
        assertEquals(0, refused("unregistered-cap"));
    }

    @Test
    void aConnectionThatPingsButNeverRegistersIsClosedAtTheRegisterDeadline() throws Exception {
        start(limits(CAP, Duration.ofSeconds(2)));
        SipTestClient phone = phoneFrom(OFFICE);
        assertServed(phone, 1);
        SipTestClient squatter = phoneFrom(SQUATTER);

        int pongs = 0;
        // A ping every 100 ms: never silent, so only the register deadline can close it.
        for (int i = 0; i < 300; i++) {
            squatter.write("\r\n\r\n");
            String pong;
            try {
                pong = squatter.readRaw(2);
            } catch (IOException e) {
                break;
            }
            if (!"\r\n".equals(pong)) {
                break;
            }
            pongs++;
            Thread.sleep(100);
        }
        assertTrue(pongs > 0, "pinged before the deadline");
        assertTrue(squatter.closedByHub(), "closed at the deadline");
        assertEquals(1, refused("register-deadline"));
        assertEquals(0, refused("silent"));

        // The phone's flow is older than the deadline too: a registered flow has none.
        assertServed(phone, 1);
    }

    @Test
    void limitsRefuseAZeroCapAndANonPositiveDeadline() {
        SipServer.Limits standard = SipServer.Limits.standard();
        assertEquals(50, standard.unregisteredPerSource());
        assertEquals(Duration.ofSeconds(60), standard.registerDeadline());
        assertThrows(IllegalArgumentException.class, () -> standard.unregistered(0, Duration.ofSeconds(60)));
        assertThrows(IllegalArgumentException.class, () -> standard.unregistered(50, Duration.ZERO));
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
