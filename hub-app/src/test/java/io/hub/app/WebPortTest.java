package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.WebSocketBrowser;
import java.io.FileInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's web port: {@code wss://HOST:WEBPORT/sip} over the hub's server certificate, with no
 * client certificate, reaching the registrar, which challenges a browser's REGISTER with MD5 alone.
 */
class WebPortTest {

    @TempDir
    Path dir;

    @Test
    void aBrowserWithoutAClientCertificateReachesTheRegistrarOverWss() throws Exception {
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(),
                Clock.systemUTC())) {
            hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000001", "Myriad M7", "1001",
                    "Desk", null, null, null, null), "test", "127.0.0.1");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (FileInputStream ca = new FileInputStream(hub.pki().file(HubPki.HUB_CA_CERTIFICATE).toFile())) {
                trust.setCertificateEntry("hub-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
            }
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setTrustStore(trust);
            tls.setEndpointIdentificationAlgorithm(null);
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(tls);
            WebSocketClient client = new WebSocketClient(new HttpClient(
                    new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector)));
            client.start();
            try {
                WebSocketBrowser browser = new WebSocketBrowser();
                ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
                upgrade.setSubProtocols("sip");
                Session session = client.connect(browser, URI.create("wss://127.0.0.1:" + hub.webPort() + "/sip"),
                        upgrade).get(10, TimeUnit.SECONDS);
                assertEquals("sip", session.getUpgradeResponse().getAcceptedSubProtocol());
                session.sendText("REGISTER sip:localhost SIP/2.0\r\n"
                        + "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKweb1\r\nMax-Forwards: 70\r\n"
                        + "From: <sip:1001@localhost>;tag=w1\r\nTo: <sip:1001@localhost>\r\nCall-ID: web-1\r\n"
                        + "CSeq: 1 REGISTER\r\nContact: <sip:k3v9@df7jal23ls0d.invalid;transport=ws>\r\n"
                        + "User-Agent: JsSIP 3.13.0\r\nContent-Length: 0\r\n\r\n", Callback.NOOP);
                String challenge = browser.nextFrame();
                assertTrue(challenge.startsWith("SIP/2.0 401 "), challenge);
                assertEquals(1, challenge.split("WWW-Authenticate:", -1).length - 1, challenge);
                assertTrue(challenge.contains("algorithm=MD5"), challenge);
            } finally {
                client.stop();
            }
        }
    }
}
