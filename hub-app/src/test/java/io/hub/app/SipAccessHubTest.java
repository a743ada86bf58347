package io.hub.app;

import static io.hub.sip.SipReplies.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.pki.RevocationList;
import io.hub.pki.TestPki;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole hub: a phone revoked (through the PKI's files, as {@code hub pki revoke} does from its own
 * process), then one disabled, then one deleted (through the admin API), each registered with its
 * certificate and in a call, is taken off SIP at once: its flow closes, both legs of the call get a
 * BYE, and its old password is refused on a new connection. Only a phone that can fetch its
 * configuration with a valid certificate comes back: the re-enabled and the re-enrolled one, with
 * their new passwords; the revoked one never.
 */
class SipAccessHubTest {

    @TempDir
    Path dir;

    private Hub hub;
    private AdminHttp admin;
    private final List<CallPhone> phones = new ArrayList<>();

    @AfterEach
    void stop() {
        phones.forEach(CallPhone::close);
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aRevokedThenADisabledThenADeletedPhoneLosesSipAtOnceAndOnlyTheOnesAllowedComeBack() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        for (String[] device : new String[][] {{"00809f000001", "1001"}, {"00809f000002", "1002"},
                {"00809f000003", "1003"}, {"00809f000009", "1009"}}) {
            enroll(device[0], device[1]);
        }
        CallPhone other = registered("1009", null, password("00809f000009"));

        // Revoked: by MAC, in the PKI's files, by another HubPki on the same home.
        DeviceCertificates.IssuedCertificate revokedCertificate = certificate("00809f000001");
        String revokedPassword = fetchPassword(revokedCertificate);
        CallPhone revoked = registered("1001", revokedCertificate, revokedPassword);
        CallPhone.establish(other, revoked);
        HubPki.at(dir.resolve("var/pki"), Clock.systemUTC()).revokeMac(MacAddress.parse("00809f000001"),
                RevocationList.Reason.KEY_COMPROMISE);
        assertTakenOff(revoked, other);
        assertRefused(403, "wrong-password", register("1001", null, revokedPassword));
        assertNotEquals(revokedPassword, password("00809f000001"), "its SIP password was rotated");
        assertRefused(403, "revoked", register("1001", null, password("00809f000001")));
        assertEquals(403, fetch(revokedCertificate).statusCode(), "and it cannot fetch the new one");

        // Disabled through the admin API, then enabled again.
        DeviceCertificates.IssuedCertificate disabledCertificate = certificate("00809f000002");
        String disabledPassword = fetchPassword(disabledCertificate);
        CallPhone disabled = registered("1002", disabledCertificate, disabledPassword);
        CallPhone.establish(disabled, other);
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/00809f000002", "{\"state\": \"disabled\"}"));
        assertTakenOff(disabled, other);
        assertRefused(403, "wrong-password", register("1002", null, disabledPassword));
        assertRefused(403, "disabled", register("1002", null, password("00809f000002")));
        assertEquals(403, fetch(disabledCertificate).statusCode());
        assertEquals(200, admin.send("PATCH", "/admin/v1/devices/00809f000002", "{\"state\": \"enabled\"}"));
        assertRefused(403, "wrong-password", register("1002", null, disabledPassword));
        assertEquals(200, register("1002", disabledCertificate, fetchPassword(disabledCertificate)).getStatusCode(),
                "re-enabled, it registers with the password its configuration now carries");

        // Deleted through the admin API, then enrolled again.
        DeviceCertificates.IssuedCertificate deletedCertificate = certificate("00809f000003");
        String deletedPassword = fetchPassword(deletedCertificate);
        CallPhone deleted = registered("1003", deletedCertificate, deletedPassword);
        CallPhone.establish(other, deleted);
        assertEquals(204, admin.send("DELETE", "/admin/v1/devices/00809f000003", null));
        assertTakenOff(deleted, other);
        assertRefused(404, "unknown-aor", register("1003", null, deletedPassword));
        enroll("00809f000003", "1003");
        assertRefused(403, "wrong-password", register("1003", null, deletedPassword));
        assertEquals(200, register("1003", deletedCertificate, fetchPassword(deletedCertificate)).getStatusCode());

        assertEquals(1, hub.sip().location().bindings("sip:1009@hub.test").size(), "the other phone stayed");
        String audit = admin.get("/admin/v1/audit?mac=00809f000001");
        assertTrue(audit.contains("\"action\":\"rotate-sip-password\""), audit);
    }

    @Test
    void aRotatedPasswordIsRefusedOnTheVeryNextRegisterThoughTheAccountWasKept() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        enroll("00809f000006", "1006");
        String old = password("00809f000006");
        assertEquals(200, register("1006", null, old).getStatusCode());
        assertEquals(200, register("1006", null, old).getStatusCode(), "the account is kept now");

        assertEquals(200, admin.send("POST", "/admin/v1/devices/00809f000006/sip-password", null));

        assertRefused(403, "wrong-password", register("1006", null, old));
        assertEquals(200, register("1006", null, password("00809f000006")).getStatusCode());
    }

    /**
     * A phone registers moments after its configuration fetch: the device row that fetch read serves the
     * REGISTER, and a change after the fetch is seen on the very next REGISTER all the same.
     */
    @Test
    void aPhoneRegistersWithTheRowItsFetchReadAndAPasswordRotatedSinceIsRefusedAtOnce() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        enroll("00809f000008", "1008");
        DeviceCertificates.IssuedCertificate certificate = certificate("00809f000008");
        String fetched = fetchPassword(certificate);

        assertEquals(200, register("1008", certificate, fetched).getStatusCode());
        assertEquals(0.0, gauge("hub_sip_accounts_kept"), "the account was not read from the database again");

        assertEquals(200, admin.send("POST", "/admin/v1/devices/00809f000008/sip-password", null));

        assertRefused(403, "wrong-password", register("1008", certificate, fetched));
        assertEquals(200, register("1008", certificate, fetchPassword(certificate)).getStatusCode());
    }

    private double gauge(String name) throws Exception {
        String scrape = admin.get("/metrics");
        return scrape.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
    }

    @Test
    void aPhoneResumesItsSipTlsSessionAndACertificateRevokedSinceIsRefusedOnIt() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        enroll("00809f000007", "1007");
        DeviceCertificates.IssuedCertificate certificate = certificate("00809f000007");
        javax.net.ssl.SSLContext phone = SipTestClient.context(ca(), certificate.certificate(),
                certificate.keys().getPrivate());
        byte[] first;
        try (SipTestClient client = resumable(phone)) {
            first = ((javax.net.ssl.SSLSocket) client.socket()).getSession().getId();
            assertEquals(200, client.registerWithPassword("1007", password("00809f000007"), "MD5",
                    "<sip:1007@10.0.0.7>").getStatusCode());
        }
        try (SipTestClient client = resumable(phone)) {
            assertTrue(java.util.Arrays.equals(first, ((javax.net.ssl.SSLSocket) client.socket()).getSession()
                    .getId()), "the reconnection resumed the session");
            assertEquals(200, client.registerWithPassword("1007", password("00809f000007"), "MD5",
                    "<sip:1007@10.0.0.7>").getStatusCode());
        }

        hub.pki().revokeCertificate(certificate.certificate(), RevocationList.Reason.KEY_COMPROMISE);

        try (SipTestClient client = resumable(phone)) {
            assertTrue(java.util.Arrays.equals(first, ((javax.net.ssl.SSLSocket) client.socket()).getSession()
                    .getId()), "resumed, not a new handshake");
            SIPResponse refused = client.registerWithPassword("1007", password("00809f000007"), "MD5",
                    "<sip:1007@10.0.0.7>");
            assertEquals(403, refused.getStatusCode(), refused.encode());
        }
    }

    /** A TLS 1.2 connection of {@code phone}'s context, whose session id shows a resumption. */
    private SipTestClient resumable(javax.net.ssl.SSLContext phone) throws Exception {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) phone.getSocketFactory().createSocket("localhost",
                hub.sip().tlsPort());
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.startHandshake();
        return SipTestClient.over(socket);
    }

    @Test
    void aCertificateRevokedBySerialWhileItsPhoneIsOfflineRotatesThePasswordItFetched() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        enroll("00809f000004", "1004");
        enroll("00809f000005", "1005");
        DeviceCertificates.IssuedCertificate certificate = certificate("00809f000004");
        String copied = fetchPassword(certificate);
        // This one is seen on SIP only: it registers with its certificate, then its connection closes.
        DeviceCertificates.IssuedCertificate sipOnly = certificate("00809f000005");
        String sipCopied = password("00809f000005");
        assertEquals(200, register("1005", sipOnly, sipCopied).getStatusCode());
        java.util.concurrent.BlockingQueue<String> followed = new java.util.concurrent.LinkedBlockingQueue<>();
        hub.sip().access().onPkiChange(() -> followed.add(password("00809f000004")));

        // Offline: never registered. Revoked by serial, as 'hub pki revoke --serial' does from its own process.
        HubPki elsewhere = HubPki.at(dir.resolve("var/pki"), Clock.systemUTC());
        elsewhere.revokeSerial(certificate.certificate().getSerialNumber(), HubPki.DEV_MANUFACTURER_NAME,
                RevocationList.Reason.KEY_COMPROMISE);
        elsewhere.revokeSerial(sipOnly.certificate().getSerialNumber(), HubPki.DEV_MANUFACTURER_NAME,
                RevocationList.Reason.KEY_COMPROMISE);
        String now = copied;
        for (int look = 0; look < 30 && (now.equals(copied) || password("00809f000005").equals(sipCopied)); look++) {
            now = followed.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(now != null, "the hub looks at the PKI again after a change");
        }
        assertNotEquals(sipCopied, password("00809f000005"), "a certificate seen on SIP only counts too");
        assertRefused(403, "wrong-password", register("1005", null, sipCopied));

        assertNotEquals(copied, now, "the password that certificate fetched was rotated");
        assertRefused(403, "wrong-password", register("1004", null, copied));
        assertEquals(403, fetch(certificate).statusCode(), "and the revoked certificate cannot fetch the new one");
        AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
        String audit = admin.get("/admin/v1/audit?mac=00809f000004");
        assertTrue(audit.contains("\"action\":\"rotate-sip-password\""), audit);
        assertTrue(audit.contains("seen for this device is revoked"), audit);
    }

    @Test
    void whereCertificatesAreRequiredAPasswordAloneIsRefusedUnlessTheTenantOnlyWantsOne() throws Exception {
        HubSettings settings = settings();
        settings.sipClientCertificate = "required";
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        enroll("00809f000001", "1001");
        enroll("00809f000002", "1002");
        String password = password("00809f000001");

        assertRefused(403, "certificate-required", register("1001", null, password));
        assertRefused(403, "certificate-mismatch", register("1001", certificate("00809f000002"), password));
        assertEquals(200, register("1001", certificate("00809f000001"), password).getStatusCode());

        hub.provisioning().tenants().sipClientCertificate("default", "wanted");
        assertEquals(200, register("1001", null, password).getStatusCode(), "the tenant's own setting wins");
        hub.provisioning().tenants().sipClientCertificate("default", null);
        assertRefused(403, "certificate-required", register("1001", null, password));
    }

    @Test
    void aCertificateInANewlyImportedCrlAndOneUnderAnUntrustedCaLoseSipAndTheirPasswords() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), settings().validate(), Clock.systemUTC());
        enroll("00809f000001", "1001");
        enroll("00809f000002", "1002");
        enroll("00809f000009", "1009");
        CallPhone other = registered("1009", null, password("00809f000009"));
        // Another process, as 'hub pki crl-import' and 'hub pki untrust' are, on the same home.
        HubPki elsewhere = HubPki.at(dir.resolve("var/pki"), Clock.systemUTC());

        DeviceCertificates.IssuedCertificate listed = certificate("00809f000001");
        String listedPassword = fetchPassword(listed);
        CallPhone inCrl = registered("1001", listed, listedPassword);
        CallPhone.establish(other, inCrl);
        Instant now = Instant.now();
        Path crl = Files.write(dir.resolve("manufacturer.crl"), TestPki.crl(hub.pki().devManufacturerCa(),
                BigInteger.ONE, now, now.plus(Duration.ofDays(7)), listed.certificate().getSerialNumber())
                .getEncoded());
        elsewhere.importCrl(HubPki.DEV_MANUFACTURER_NAME, crl);
        assertTakenOff(inCrl, other);
        assertNotEquals(listedPassword, password("00809f000001"), "its SIP password was rotated");
        assertRefused(403, "wrong-password", register("1001", null, listedPassword));
        assertRefused(403, "certificate-refused", register("1001", listed, password("00809f000001")));

        DeviceCertificates.IssuedCertificate untrusted = certificate("00809f000002");
        String untrustedPassword = fetchPassword(untrusted);
        CallPhone underUntrusted = registered("1002", untrusted, untrustedPassword);
        CallPhone.establish(underUntrusted, other);
        assertTrue(description().contains("dev-manufacturer-ca.pem (key beside it)"), description());
        elsewhere.untrust(HubPki.DEV_MANUFACTURER_NAME);
        assertTakenOff(underUntrusted, other);
        assertTrue(description().lines().anyMatch(line -> line.matches(
                " *development manufacturer CA +untrusted \\(hub pki untrust\\); its phones are refused")),
                description());
        assertNotEquals(untrustedPassword, password("00809f000002"), "its SIP password was rotated");
        assertRefused(403, "wrong-password", register("1002", null, untrustedPassword));
        assertEquals(1, hub.sip().location().bindings("sip:1009@hub.test").size(), "the other phone stayed");
    }

    private String description() {
        java.io.StringWriter text = new java.io.StringWriter();
        hub.describe(new java.io.PrintWriter(text, true));
        return text.toString();
    }

    /** The test phones (CallPhone, SipTestClient) register in hub.test. */
    private static HubSettings settings() {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        return settings;
    }

    /** Both legs of its call got a BYE, and its flow was closed by the hub. */
    private static void assertTakenOff(CallPhone phone, CallPhone other) throws Exception {
        phone.expectRequest("BYE");
        other.expectRequest("BYE");
        assertTrue(phone.sip.closedByHub(), phone.user + "'s flow is closed");
    }

    private void enroll(String mac, String extension) {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", extension, null, null,
                null, null, null), "test", "127.0.0.1");
    }

    private String password(String mac) {
        return hub.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword();
    }

    private DeviceCertificates.IssuedCertificate certificate(String mac) {
        return hub.pki().issueDeviceCertificate(DeviceCertificateRequest.of(MacAddress.parse(mac), "Myriad M7"),
                dir.resolve("phone-" + mac + "-" + phones.size() + "-" + System.nanoTime()));
    }

    private CallPhone registered(String user, DeviceCertificates.IssuedCertificate certificate, String password)
            throws Exception {
        CallPhone phone = new CallPhone(user, client(certificate));
        phones.add(phone);
        phone.register(password);
        return phone;
    }

    private SIPResponse register(String user, DeviceCertificates.IssuedCertificate certificate, String password)
            throws Exception {
        try (SipTestClient phone = client(certificate)) {
            return phone.registerWithPassword(user, password, "MD5", "<sip:" + user + "@10.0.0.7>");
        }
    }

    private SipTestClient client(DeviceCertificates.IssuedCertificate certificate) throws Exception {
        return SipTestClient.tls(hub.sip().tlsPort(), ca(), certificate == null ? null : certificate.certificate(),
                certificate == null ? null : certificate.keys().getPrivate());
    }

    /** The configuration fetch a phone makes with its certificate (whose CN is its MAC). */
    private HttpResponse<byte[]> fetch(DeviceCertificates.IssuedCertificate certificate) throws Exception {
        String mac = certificate.certificate().getSubjectX500Principal().getName()
                .replaceAll("(?s).*CN=([0-9a-f]{12}).*", "$1");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(SipTestClient.context(ca(), certificate.certificate(), certificate.keys().getPrivate()))
                .build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + hub.provisioning().devicePort()
                + "/prov/v1/config/" + mac + ".xml")).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String fetchPassword(DeviceCertificates.IssuedCertificate certificate) throws Exception {
        HttpResponse<byte[]> config = fetch(certificate);
        assertEquals(200, config.statusCode(), new String(config.body()));
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(config.body()));
        return XPathFactory.newInstance().newXPath().evaluate("/deviceConfig/sip/account/@password", document);
    }

    private X509Certificate ca() {
        return PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));
    }
}
