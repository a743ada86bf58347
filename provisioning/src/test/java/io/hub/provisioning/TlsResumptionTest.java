package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.pki.RevocationList;
import io.hub.pki.TlsProvider;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A phone reconnecting to the provisioning port resumes its TLS session (no full handshake, no
 * certificate sent again), and a certificate revoked since its session began is still refused on
 * the resumed session: the certificate is judged per request, not per handshake. On either TLS
 * provider the HTTPS ports may run on.
 */
class TlsResumptionTest {

    private static final String MAC = "00809f0c0002";
    private static final String CONFIG = "/prov/v1/config/" + MAC + ".xml";

    @TempDir
    Path home;

    private TestHub hub;
    private DeviceCertificates.IssuedCertificate issued;
    private SSLContext phone;

    /** Starts the hub on {@code tls}, enrolls the phone and gives it its certificate. */
    void start(TlsProvider tls) throws Exception {
        hub = TestHub.start(home, tls);
        assertEquals(201, hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC + "\", "
                + "\"model\": \"Myriad M7\", \"extension\": \"1002\"}").getStatus());
        issued = hub.pki.issueDeviceCertificate(DeviceCertificateRequest.of(MacAddress.parse(MAC), "Myriad M7"),
                hub.phoneDirectory(MAC));
        phone = phoneContext();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aReconnectingPhoneResumesItsSession(TlsProvider tls) throws Exception {
        start(tls);
        Fetch first = fetch();
        Fetch second = fetch();

        assertEquals(200, first.status());
        assertEquals(200, second.status());
        assertArrayEquals(first.sessionId(), second.sessionId(), "the second connection resumed the first's session");
        assertEquals(first.created(), second.created());
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aCertificateRevokedSinceTheSessionBeganIsRefusedOnTheResumedSession(TlsProvider tls) throws Exception {
        start(tls);
        Fetch first = fetch();
        assertEquals(200, first.status());
        hub.pki.revokeCertificate(issued.certificate(), RevocationList.Reason.KEY_COMPROMISE);

        Fetch resumed = fetch();

        assertArrayEquals(first.sessionId(), resumed.sessionId(), "resumed, not a new handshake");
        assertEquals(403, resumed.status());
        assertTrue(resumed.body().contains("revoked"), resumed.body());
    }

    private record Fetch(int status, String body, byte[] sessionId, long created) {
    }

    /** One GET on a connection of its own, as a phone that reconnects for each fetch. */
    private Fetch fetch() throws Exception {
        try (SSLSocket socket = (SSLSocket) phone.getSocketFactory().createSocket("127.0.0.1",
                hub.provisioning.devicePort())) {
            socket.setSoTimeout(30_000);
            // TLS 1.2, where a resumed session keeps its id and creation time for the client to compare.
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            SSLSession session = socket.getSession();
            socket.getOutputStream().write(("GET " + CONFIG + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = read(socket.getInputStream());
            int status = Integer.parseInt(response.substring(9, 12));
            return new Fetch(status, response, session.getId(), session.getCreationTime());
        }
    }

    private static String read(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        // Bounded: the server closes after its answer (Connection: close), or the read times out.
        for (int i = 0; i < 10_000; i++) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            all.write(buffer, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private SSLContext phoneContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hub", PemFiles.readCertificate(hub.pki.file(HubPki.HUB_CA_CERTIFICATE)));
        TrustManagerFactory trusts = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusts.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("phone", issued.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {issued.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trusts.getTrustManagers(), null);
        return context;
    }
}
