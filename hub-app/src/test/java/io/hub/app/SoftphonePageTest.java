package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web port's softphone files and its TURN endpoint over HTTPS: the page and the vendored SIP.js
 * are served with a content policy; a path outside the page's files is not; {@code /phone/turn}
 * hands TURN credentials only to a request answering its HubDigest challenge with the account's
 * SIP password.
 */
class SoftphonePageTest {

    private static final String SECRET = "north-wind-7";

    @TempDir
    Path dir;

    private Hub hub;
    private HttpClient client;
    private String password;

    @BeforeEach
    void start() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.turnUris = List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp");
        settings.turnSecret = SECRET;
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        hub.provisioning().enrollment().enroll("default", new DeviceDraft("00809f000101", "Myriad M7", "1001",
                "Softphone", null, null, null, null), "test", "127.0.0.1");
        password = hub.provisioning().enrollment().find("default", MacAddress.parse("00809f000101")).sipPassword();
        client = HttpClient.newBuilder().sslContext(AdminHttp.trustingHub(hub)).build();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void thePageAndItsSipLibraryAreServedAndNothingElse() throws Exception {
        HttpResponse<String> page = get("/phone/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Hub softphone</title>"), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'self'"));

        HttpResponse<String> library = get("/phone/vendor/sip.js-0.21.2/lib/index.js", null);
        assertEquals(200, library.statusCode());
        assertEquals("text/javascript; charset=utf-8", library.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(200, get("/phone/vendor/sip.js-0.21.2/LICENSE.md", null).statusCode());

        assertEquals(404, get("/phone/missing.js", null).statusCode());
        assertEquals(404, get("/phone/PhonePage.class", null).statusCode(), "only the page's kinds of file");
        assertEquals(404, get("/phone/.hidden.js", null).statusCode());
        assertEquals(404, get("/elsewhere", null).statusCode());
    }

    @Test
    void turnCredentialsAreHandedOnlyToTheAccountsDigest() throws Exception {
        HttpResponse<String> challenge = get("/phone/turn", null);
        assertEquals(401, challenge.statusCode());
        String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
        Matcher nonce = Pattern.compile("^HubDigest nonce=\"([^\"]+)\", algorithm=MD5, qop=\"auth\"$").matcher(header);
        assertTrue(nonce.matches(), header);

        assertEquals(401, get("/phone/turn", digest("1001", "localhost", "not-the-password", nonce.group(1)))
                .statusCode());
        assertEquals(401, get("/phone/turn", digest("1002", "localhost", password, nonce.group(1))).statusCode(),
                "no such account");
        assertEquals(401, get("/phone/turn", digest("1001", "localhost", password, "1.0123456789abcdef"))
                .statusCode(), "a nonce the hub did not make");

        HttpResponse<String> granted = get("/phone/turn", digest("1001", "localhost", password, nonce.group(1)));
        assertEquals(200, granted.statusCode(), granted.body());
        Matcher credentials = Pattern.compile("\\{\"iceServers\":\\[\\{\"urls\":\\[\"turn:127.0.0.1:3478\\?transport="
                + "udp\",\"turn:127.0.0.1:3478\\?transport=tcp\"],\"username\":\"(\\d+:1001@localhost)\","
                + "\"credential\":\"([^\"]+)\"}],\"expires\":\\d+}").matcher(granted.body());
        assertTrue(credentials.matches(), granted.body());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertEquals(java.util.Base64.getEncoder().encodeToString(mac.doFinal(credentials.group(1)
                .getBytes(StandardCharsets.UTF_8))), credentials.group(2), "coturn's password for that username");
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + hub.webPort() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the page sends: RFC 7616's MD5 digest with qop=auth, as on REGISTER, for GET /phone/turn. */
    private static String digest(String user, String realm, String password, String nonce) throws Exception {
        String ha1 = md5(user + ":" + realm + ":" + password);
        String response = md5(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + md5("GET:/phone/turn"));
        return "HubDigest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                + "\", uri=\"/phone/turn\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"" + response + "\"";
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
