package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.HubTlsEngines;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub pki renew-server} while the hub runs: the new certificate, with the name asked for and
 * the old names, is what new connections to both HTTPS ports and to SIP-TLS are shown, and a
 * connection opened before the renewal keeps working on its old session.
 */
class ServerCertificateRenewalTest {

    @TempDir
    Path dir;

    private Hub hub;
    private SSLContext trustingTheHubCa;

    @BeforeEach
    void start() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(), Clock.systemUTC());
        trustingTheHubCa = HubTlsEngines.clientTrustingHubCa(hub.pki(), null);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
        BigInteger before = PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE)).getSerialNumber();
        try (SSLSocket admin = connect(hub.provisioning().adminPort()); SSLSocket sip = connect(hub.sip().tlsPort())) {
            assertEquals(before, serial(admin));
            assertEquals(before, serial(sip));
            assertEquals("200", healthz(admin));

            CommandLineRun renew = CommandLineRun.hub("pki", "renew-server", "--home", dir.resolve("var").toString(),
                    "--server-name", "renewed.hub.test");
            assertEquals(0, renew.exitCode(), renew.err());
            X509Certificate renewed = PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE));
            assertNotEquals(before, renewed.getSerialNumber());
            assertTrue(renew.out().contains("serial " + renewed.getSerialNumber().toString(16)), renew.out());
            List<String> names = renewed.getSubjectAlternativeNames().stream().map(entry -> String.valueOf(
                    entry.get(1))).toList();
            assertTrue(names.contains("renewed.hub.test") && names.contains("localhost")
                    && names.contains("127.0.0.1"), names.toString());

            awaitServed(renewed.getSerialNumber(), hub.provisioning().devicePort());
            awaitServed(renewed.getSerialNumber(), hub.provisioning().adminPort());
            awaitServed(renewed.getSerialNumber(), hub.sip().tlsPort());
            awaitServed(renewed.getSerialNumber(), hub.webPort());

            assertEquals("200", healthz(admin), "the kept-alive connection still answers");
            assertEquals(before, serial(admin), "on the session it negotiated");
            sip.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            sip.getOutputStream().flush();
            assertEquals('\r', sip.getInputStream().read(), "the open SIP flow answers its keepalive");
            assertEquals('\n', sip.getInputStream().read());
        }
    }

    @Test
    void aNameAddedByARenewalRegistersWithoutARestart() throws Exception {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809faabbcc", "Myriad M7", "1001", "Desk",
                null, null, null, null), "test", "127.0.0.1");
        String password = hub.provisioning().enrollment().find("default", MacAddress.parse("00809faabbcc"))
                .sipPassword();
        X509Certificate ca = PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));
        try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(), ca, null, null).inDomain("renewed.hub.test")) {
            assertNotEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5>")
                    .getStatusCode(), "not a name of the hub yet");
        }
        CommandLineRun renew = CommandLineRun.hub("pki", "renew-server", "--home", dir.resolve("var").toString(),
                "--server-name", "renewed.hub.test");
        assertEquals(0, renew.exitCode(), renew.err());
        awaitServed(PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE)).getSerialNumber(),
                hub.sip().tlsPort());
        try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(), ca, null, null).inDomain("renewed.hub.test")) {
            assertEquals(200, phone.registerWithPassword("1001", password, "MD5", "<sip:1001@10.0.0.5>")
                    .getStatusCode(), "the renewed certificate's name is an alias of the hub's domain");
        }
        String domain = hub.provisioning().tenants().hubDomain().domain();
        assertEquals(1, hub.sip().location().bindings("sip:1001@" + domain).size(), "under the one AOR");
    }

    @Test
    void aMalformedNameRenewsNothing() throws Exception {
        BigInteger before = PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE)).getSerialNumber();
        CommandLineRun renew = CommandLineRun.hub("pki", "renew-server", "--home", dir.resolve("var").toString(),
                "--server-name", "bad name!");
        assertNotEquals(0, renew.exitCode());
        assertTrue(renew.errorLine().contains("malformed DNS name 'bad name!'"), renew.err());
        assertEquals(before, PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE)).getSerialNumber());
    }

    private SSLSocket connect(int port) throws IOException {
        SSLSocket socket = (SSLSocket) trustingTheHubCa.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static BigInteger serial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** The hub looks at its certificate file every few seconds: new connections show the new one soon. */
    private void awaitServed(BigInteger serial, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (SSLSocket fresh = connect(port)) {
                if (serial(fresh).equals(serial)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("port " + port + " still serves the old certificate after 30 s");
            }
            Thread.sleep(200);
        }
    }

    /** GET /healthz on a kept-alive connection; the status code. */
    private static String healthz(SSLSocket socket) throws IOException {
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        if (headers.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (!body.toString(StandardCharsets.US_ASCII).endsWith("0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in a chunked body: " + body);
                }
                body.write(b);
            }
        } else {
            in.readNBytes(length);
        }
        return headers.split(" ")[1];
    }
}
