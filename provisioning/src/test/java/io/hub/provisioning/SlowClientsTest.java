package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow and greedy clients on both HTTPS ports, driven with raw TLS sockets against the real servers. */
class SlowClientsTest {

    private static final String MAC = "00-80-9F-12-34-56";
    /** Half a second of waiting per byte: 120 bytes are a minute, far beyond the deadlines set here. */
    private static final int MAX_DRIBBLED_BYTES = 120;

    @TempDir
    Path home;

    private TestHub hub;
    private final List<SSLSocket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        for (SSLSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed by the server
            }
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aHeaderSentOneByteAtATimeIsCutOnBothPortsWhileOthersAreServed() throws Exception {
        hub = TestHub.start(home, new HttpLimits(Duration.ofSeconds(2), Duration.ofSeconds(30), 64, 1_000));
        try (TestHub.Phone phone = hub.phone(MAC, "Myriad M7")) {
            hub.enroll(MAC, "Myriad M7", "1001");
            List<SSLSocket> slow = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                slow.add(startSlowRequest(hub.provisioning.devicePort()));
                slow.add(startSlowRequest(hub.provisioning.adminPort()));
            }

            ContentResponse config = phone.get("/prov/v1/config/00809f123456.xml");
            assertEquals(200, config.getStatus(), config.getContentAsString());
            assertEquals(200, hub.adminJson("GET", "/admin/v1/devices", null).getStatus());

            for (SSLSocket socket : slow) {
                assertTrue(dribbleUntilClosed(socket) >= 0, "a slow header is cut within a minute");
            }
            // Served before, served after: the deadline cuts the slow ones only.
            assertEquals(200, phone.get("/prov/v1/config/00809f123456.xml").getStatus());
            String metrics = hub.adminJson("GET", "/metrics", null).getContentAsString();
            assertTrue(metrics.contains("hub_http_connections_refused_total{port=\"hub-device-https\","
                    + "reason=\"header-timeout\"}"), metrics);
            assertTrue(metrics.contains("hub_http_connections_refused_total{port=\"hub-admin-https\","
                    + "reason=\"header-timeout\"}"), metrics);
        }
    }

    @Test
    void aConnectionWhoseRequestsKeepComingInTimeIsKept() throws Exception {
        hub = TestHub.start(home, new HttpLimits(Duration.ofSeconds(2), Duration.ofSeconds(30), 64, 1_000));
        SSLSocket socket = open(hub.provisioning.adminPort());
        for (int i = 0; i < 3; i++) {
            write(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String status = statusLine(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 "), status);
        }
    }

    @Test
    void connectionsBeyondTheCapOfOneSourceAreClosedAtOnce() throws Exception {
        hub = TestHub.start(home, new HttpLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 4, 100));
        int port = hub.provisioning.devicePort();
        for (int i = 0; i < 4; i++) {
            open(port);
        }
        assertThrows(IOException.class, () -> {
            SSLSocket refused = open(port);
            write(refused, "GET /rdd/v1/discovery HTTP/1.1\r\nHost: localhost\r\n\r\n");
            if (refused.getInputStream().read() < 0) {
                throw new IOException("closed");
            }
        });

        // One of the four leaves; a new connection from the same source is let in again.
        SSLSocket leaving = sockets.get(0);
        write(leaving, "GET /rdd/v1/discovery HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        InputStream in = leaving.getInputStream();
        int read = 0;
        while (in.read() >= 0 && read++ < 1_000_000) {
            // the answer (403: no certificate) up to the server's close
        }
        leaving.close();
        assertTrue(admittedAgain(port));
        String metrics = hub.adminJson("GET", "/metrics", null).getContentAsString();
        assertTrue(metrics.contains("hub_http_connections_refused_total{port=\"hub-device-https\","
                + "reason=\"per-source\"}"), metrics);
    }

    @Test
    void aConnectionBeyondTheHandshakesUnderWayIsClosedAtOnceAndLetInOnceOneEnds() throws Exception {
        hub = TestHub.start(home, new HttpLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 64, 100, 2));
        int port = hub.provisioning.devicePort();
        // Two connections that never send their ClientHello: two handshakes under way, from the accept on.
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                stalled.add(new Socket("127.0.0.1", port));
            }
            for (int i = 0; i < 500 && handshakesInFlight() < 2; i++) {
                Thread.sleep(10);
            }
            assertEquals(2, handshakesInFlight());
            assertThrows(IOException.class, () -> {
                SSLSocket refused = open(port);
                write(refused, "GET /rdd/v1/discovery HTTP/1.1\r\nHost: localhost\r\n\r\n");
                if (refused.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }, "closed before its handshake");
            String refusals = hub.adminJson("GET", "/metrics", null).getContentAsString();
            assertTrue(refusals.contains("hub_http_connections_refused_total{port=\"hub-device-https\","
                    + "reason=\"handshakes\"} 1.0"), refusals);

            stalled.remove(0).close();
            assertTrue(admittedAgain(port), "let in once a handshake under way ended");
            // A finished handshake no longer counts, though its connection stays open.
            assertEquals(1, handshakesInFlight());
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** Whether a new connection is served within 200 attempts, once the server has seen a close. */
    private boolean admittedAgain(int port) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                SSLSocket again = open(port);
                write(again, "GET /rdd/v1/discovery HTTP/1.1\r\nHost: localhost\r\n\r\n");
                if (statusLine(again.getInputStream()).startsWith("HTTP/1.1 ")) {
                    return true;
                }
            } catch (IOException stillCounted) {
                // the server has not yet seen the close; the next attempt will
            }
        }
        return false;
    }

    private double handshakesInFlight() throws Exception {
        String metrics = hub.adminJson("GET", "/metrics", null).getContentAsString();
        String prefix = "hub_http_handshakes_in_flight{port=\"hub-device-https\"} ";
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).findFirst().orElse(-1);
    }

    private SSLSocket open(int port) throws Exception {
        SSLSocket socket = hub.rawTls(port);
        sockets.add(socket);
        return socket;
    }

    private SSLSocket startSlowRequest(int port) throws Exception {
        SSLSocket socket = open(port);
        write(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        return socket;
    }

    /** Sends a header byte, waits up to half a second for the server, again; the bytes sent until it closed, or -1. */
    private static int dribbleUntilClosed(SSLSocket socket) throws IOException {
        socket.setSoTimeout(500);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int sent = 0; sent < MAX_DRIBBLED_BYTES; sent++) {
            try {
                out.write('a');
                out.flush();
                if (in.read() < 0) {
                    return sent;
                }
            } catch (SocketTimeoutException stillOpen) {
                continue;
            } catch (IOException closed) {
                return sent;
            }
        }
        return -1;
    }

    private static void write(SSLSocket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one answer's status line and headers, then its body by Content-Length. */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n") && head.length() < 16_384) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        String text = head.toString();
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return text.substring(0, text.indexOf("\r\n"));
    }
}
