package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.registrar.SipCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser's REGISTER over SIP over WebSocket reaches the registrar: challenged with MD5 alone (what
 * browser SIP libraries answer), then registered with the account's password, its
 * {@code transport=ws} contact on an {@code .invalid} host bound to the WebSocket's flow.
 */
class WebSocketRegisterTest {

    private static final Map<String, SipCredentials> ACCOUNTS = Map.of(
            "1001", DigestAuthenticator.credentials("1001", "hub.test", "secret-1001",
                    Optional.of(MacAddress.parse("00809faabbcc")), true),
            "1002", DigestAuthenticator.credentials("1002", "hub.test", "secret-1002",
                    Optional.of(MacAddress.parse("00809faabbcd")), true));
    // What JsSIP sends: an .invalid host, transport=ws, and RFC 5626 instance and reg-id.
    private static final String CONTACT = "<sip:k3v9q2@df7jal23ls0d.invalid;transport=ws>;expires=600"
            + ";+sip.instance=\"<urn:uuid:6e2c1c44-4f5b-4a57-9c0e-1f4c3e3d2a10>\";reg-id=1";

    @TempDir
    Path home;

    private SipService sip;
    private LoopbackJetty jetty;
    private WebSocketClient client;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        HubPki pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        CredentialSource credentials = (user, domain) -> "hub.test".equals(domain)
                ? Optional.ofNullable(ACCOUNTS.get(user)) : Optional.empty();
        sip = TestSip.with(pki, home).credentials(credentials).settings(new RegistrarSettings(60, 3600, 600, 3,
                Duration.ofSeconds(1), Duration.ofSeconds(1), List.of("baresip"))).start();
        jetty = LoopbackJetty.start(sip::webSocketHandler);
        uri = URI.create("ws://127.0.0.1:" + jetty.port() + "/sip");
        client = new WebSocketClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        jetty.close();
        sip.close();
    }

    private static String register(int cseq, String... extra) {
        StringBuilder message = new StringBuilder("REGISTER sip:hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKws" + cseq + "\r\nMax-Forwards: 70\r\n"
                + "From: <sip:1001@hub.test>;tag=ws" + cseq + "\r\nTo: <sip:1001@hub.test>\r\n"
                + "Call-ID: ws-register\r\nCSeq: " + cseq + " REGISTER\r\nContact: " + CONTACT + "\r\n");
        for (String line : extra) {
            message.append(line).append("\r\n");
        }
        return message.append("Supported: outbound\r\nUser-Agent: JsSIP 3.13.0\r\nContent-Length: 0\r\n\r\n").toString();
    }

    @Test
    void aBrowserIsChallengedWithMd5AloneAndRegistersOverItsWebSocket() throws Exception {
        registerBrowser(new WebSocketBrowser());
    }

    @Test
    void aCallToTheExtensionRingsTheDeskPhoneAndTheBrowserDownItsWebSocket() throws Exception {
        WebSocketBrowser browser = new WebSocketBrowser();
        registerBrowser(browser);
        java.security.cert.X509Certificate ca = io.hub.pki.PemFiles.readCertificate(
                HubPki.at(home.resolve("pki"), Clock.systemUTC()).file(HubPki.HUB_CA_CERTIFICATE));
        try (CallPhone desk = new CallPhone("1001", SipTestClient.tls(sip.tlsPort(), ca, null, null));
                CallPhone caller = new CallPhone("1002", SipTestClient.tls(sip.tlsPort(), ca, null, null))) {
            desk.register("secret-1001");
            caller.register("secret-1002");

            caller.send(caller.invite("1001", "fork-1", caller.sdp()));

            assertEquals("INVITE", desk.expectRequest("INVITE").getMethod());
            String invite = browser.nextFrame();
            assertTrue(invite != null && invite.startsWith("INVITE sip:k3v9q2@df7jal23ls0d.invalid"), invite);
            assertTrue(invite.contains("Via: SIP/2.0/WSS "), invite);
            assertTrue(invite.contains("Call-ID: "), invite);
        }
    }

    private void registerBrowser(WebSocketBrowser browser) throws Exception {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setSubProtocols("sip");
        Session session = client.connect(browser, uri, upgrade).get(10, TimeUnit.SECONDS);

        session.sendText(register(1), Callback.NOOP);
        SIPResponse challenge = browser.next();
        assertEquals(401, challenge.getStatusCode());
        List<String> offered = new ArrayList<>();
        challenge.getHeaders("WWW-Authenticate").forEachRemaining(h ->
                offered.add(((gov.nist.javax.sip.header.SIPHeader) h).getHeaderValue()));
        assertEquals(1, offered.size(), offered.toString());
        assertTrue(offered.get(0).contains("algorithm=MD5"), offered.get(0));

        session.sendText(register(2, SipTestClient.authorization(challenge, "1001", "secret-1001", "MD5", 1)),
                Callback.NOOP);
        SIPResponse ok = browser.next();
        assertEquals(200, ok.getStatusCode(), ok.toString());
        assertTrue(ok.getHeader("Contact").toString().contains("df7jal23ls0d.invalid"), ok.toString());
    }
}
