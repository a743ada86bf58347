package io.hub.sip;

import static io.hub.sip.SipReplies.values;
import static io.hub.sip.SipReplies.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationEvent;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.registrar.SipCredentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registrar over real TLS with a hand-written client: every branch of RFC 3261 §10.3 and RFC 5626. */
class RegistrarTest {

    private static final MacAddress PHONE = MacAddress.parse("00809faabbcc");
    private static final Map<String, SipCredentials> ACCOUNTS = Map.of(
            "1001", DigestAuthenticator.credentials("1001", "hub.test", "secret-1001", Optional.of(PHONE), true),
            "1002", DigestAuthenticator.credentials("1002", "hub.test", "secret-1002",
                    Optional.of(MacAddress.parse("00809f000002")), true),
            "1003", DigestAuthenticator.credentials("1003", "hub.test", "secret-1003", Optional.empty(), false));

    @TempDir
    Path home;

    private HubPki pki;
    private HikariDataSource database;
    private SipService sip;
    private final List<LocationEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        database = new HikariDataSource();
        database.setJdbcUrl(databaseUrl());
        sip = start(new RegistrarSettings(60, 3600, 600, 3, Duration.ofSeconds(1), Duration.ofSeconds(1),
                List.of("baresip")));
    }

    /** The database bindings are stored in; {@link RegistrarOnPostgresTest} runs the tests on PostgreSQL. */
    String databaseUrl() {
        return "jdbc:h2:file:" + home.resolve("db/hub") + ";WRITE_DELAY=0";
    }

    private SipService start(RegistrarSettings settings) throws Exception {
        CredentialSource credentials = (user, domain) -> "hub.test".equals(domain)
                ? Optional.ofNullable(ACCOUNTS.get(user)) : Optional.empty();
        SipService service = TestSip.with(pki, home).plainToo().credentials(credentials)
                .storedIn(database).settings(settings).start();
        service.location().subscribe(events::add);
        service.registrar().onRefusal(refusal -> refusals.add(refusal.failure().code()));
        return service;
    }

    @AfterEach
    void stop() {
        sip.close();
        database.close();
    }

    @Test
    void anUnauthenticatedRegisterIsChallengedWithSha256ThenMd5() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@10.0.0.5:5061;transport=tls>"));

            assertEquals(401, challenge.getStatusCode());
            List<String> values = values(challenge, "WWW-Authenticate");
            assertEquals(2, values.size());
            assertTrue(values.get(0).contains("algorithm=SHA-256"), values.get(0));
            assertTrue(values.get(1).contains("algorithm=MD5"), values.get(1));
            assertTrue(values.get(0).contains("qop=\"auth\""));
            assertNotNull(challenge.getTo().getTag());
        }
    }

    @Test
    void aClientThatOnlyKnowsMd5IsChallengedWithMd5Alone() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@h>").replace(
                    "User-Agent: hub-test", "User-Agent: baresip v1.0.0 (x86_64/linux)"));

            List<String> values = values(challenge, "WWW-Authenticate");
            assertEquals(1, values.size(), values.toString());
            assertTrue(values.get(0).contains("algorithm=MD5"));
        }
    }

    @Test
    void md5AndSha256DigestBothRegister() throws Exception {
        for (String algorithm : List.of("MD5", "SHA-256")) {
            try (SipTestClient phone = client()) {
                SIPResponse ok = phone.registerWithPassword("1001", "secret-1001", algorithm,
                        "<sip:1001@10.0.0.5:5061;transport=tls>", "Expires: 300");

                assertEquals(200, ok.getStatusCode(), algorithm);
                assertEquals(1, values(ok, "Contact").size());
                assertTrue(values(ok, "Contact").get(0).contains("expires=300"), values(ok, "Contact").toString());
                assertEquals(1, values(ok, "Date").size());
                assertEquals("127.0.0.1", ok.getTopmostVia().getReceived(), "Via gets received");
                assertEquals(phone.socket.getLocalPort(), ok.getTopmostVia().getRPort(), "and rport");
            }
        }
        assertEquals(1, sip.location().bindings("sip:1001@hub.test").size());
    }

    @Test
    void refusalsAreOneCodeEach() throws Exception {
        try (SipTestClient phone = client()) {
            assertRefused(403, "wrong-password", phone.registerWithPassword("1001", "guess", "MD5", "<sip:1001@h>"));
            assertRefused(404, "unknown-aor", phone.send(phone.register("9999", "<sip:9999@h>")));
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@h>"));
            String asOther = SipTestClient.authorization(challenge, "1002", "secret-1002", "MD5", 1);
            assertRefused(403, "wrong-user", phone.send(phone.register("1001", "<sip:1001@h>", asOther)));
            assertRefused(403, "disabled", phone.registerWithPassword("1003", "secret-1003", "MD5", "<sip:1003@h>"));
        }
        assertEquals(List.of("wrong-password", "unknown-aor", "wrong-user", "disabled"), refusals);
    }

    @Test
    void aReplayedAuthorizationIsRefused() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@h>"));
            String authorization = SipTestClient.authorization(challenge, "1001", "secret-1001", "MD5", 1);
            assertEquals(200, phone.send(phone.register("1001", "<sip:1001@h>", authorization)).getStatusCode());

            assertRefused(403, "replayed", phone.send(phone.register("1001", "<sip:1001@h>", authorization)));
        }
    }

    @Test
    void expiryIsCheckedClampedAndZeroRemoves() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse brief = phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>",
                    "Expires: 30");
            assertRefused(423, "interval-too-brief", brief);
            assertEquals(List.of("60"), values(brief, "Min-Expires"));

            SIPResponse clamped = phone.registerWithPassword("1001", "secret-1001", "MD5",
                    "<sip:1001@h>;expires=999999");
            assertTrue(values(clamped, "Contact").get(0).endsWith("expires=3600"), values(clamped, "Contact").get(0));

            SIPResponse removed = phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>",
                    "Expires: 0");
            assertEquals(200, removed.getStatusCode());
            assertEquals(List.of(), values(removed, "Contact"));
        }
    }

    @Test
    void aWildcardRemovesEverythingOnlyWithExpiresZero() throws Exception {
        try (SipTestClient phone = client()) {
            phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@a>");
            phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@b>");
            assertEquals(2, sip.location().bindings("sip:1001@hub.test").size());

            assertRefused(400, "bad-wildcard", phone.registerWithPassword("1001", "secret-1001", "MD5", "*",
                    "Expires: 60"));
            assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "*", "Expires: 0")
                    .getStatusCode());
            assertEquals(0, sip.location().bindings("sip:1001@hub.test").size());
        }
    }

    @Test
    void anOlderCseqOnTheSameCallIdIsRefused() throws Exception {
        try (SipTestClient phone = client()) {
            phone.cseq(10);
            assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>").getStatusCode());
            phone.cseq(2);

            assertRefused(500, "out-of-order", phone.registerWithPassword("1001", "secret-1001", "MD5",
                    "<sip:1001@h>"));
        }
    }

    @Test
    void theOldestContactGivesWayBeyondTheCap() throws Exception {
        try (SipTestClient phone = client()) {
            for (String host : List.of("a", "b", "c", "d")) {
                phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@" + host + ">");
                Thread.sleep(5);
            }
        }
        List<String> contacts = sip.location().bindings("sip:1001@hub.test").stream().map(Binding::contact).toList();
        assertEquals(List.of("<sip:1001@b>", "<sip:1001@c>", "<sip:1001@d>"), contacts);
    }

    @Test
    void anUnknownRequiredExtensionIs420() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse response = phone.send(phone.register("1001", "<sip:1001@h>", "Require: teleportation"));

            assertRefused(420, "unsupported-extension", response);
            assertEquals(List.of("teleportation"), values(response, "Unsupported"));
        }
    }

    @Test
    void outboundBindsTheFlowAndAnswersPings() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse ok = phone.registerWithPassword("1001", "secret-1001", "SHA-256",
                    "<sip:1001@10.0.0.5:5061;transport=tls;ob>;+sip.instance=\"<urn:uuid:0000-1>\";reg-id=1",
                    "Supported: outbound, path");

            assertEquals(200, ok.getStatusCode());
            assertEquals(List.of("outbound"), values(ok, "Require"));
            assertEquals(List.of("1"), values(ok, "Flow-Timer"));
            Binding binding = sip.location().bindings("sip:1001@hub.test").get(0);
            assertTrue(binding.isOutbound());
            assertEquals("<urn:uuid:0000-1>", binding.instance());
            assertTrue(sip.location().flow(binding).isPresent(), "the flow is live");

            phone.write("\r\n");
            phone.write("\r\n");
            assertEquals("\r\n", phone.readRaw(2), "a ping split across writes gets its pong");
        }
    }

    @Test
    void aFlowSilentPastItsTimerIsClosedAndItsBindingsLoseIt() throws Exception {
        try (SipTestClient phone = client()) {
            phone.registerWithPassword("1001", "secret-1001", "MD5",
                    "<sip:1001@h;ob>;+sip.instance=\"<urn:uuid:0000-2>\";reg-id=1", "Supported: outbound");

            assertTrue(phone.closedByHub(), "Flow-Timer 1 s plus 1 s grace, then the hub closes the flow");
        }
        Binding binding = sip.location().bindings("sip:1001@hub.test").get(0);
        assertFalse(binding.hasFlow());
        assertTrue(events.stream().anyMatch(e -> e.kind() == LocationEvent.Kind.FLOW_LOST));
    }

    @Test
    void aNewRegisterOnANewConnectionReplacesTheFlow() throws Exception {
        String contact = "<sip:1001@h;ob>;+sip.instance=\"<urn:uuid:0000-3>\";reg-id=1";
        try (SipTestClient first = client(); SipTestClient second = client()) {
            first.registerWithPassword("1001", "secret-1001", "MD5", contact, "Supported: outbound");
            long firstFlow = sip.location().bindings("sip:1001@hub.test").get(0).flowId();
            second.registerWithPassword("1001", "secret-1001", "MD5", contact, "Supported: outbound");

            List<Binding> bindings = sip.location().bindings("sip:1001@hub.test");
            assertEquals(1, bindings.size(), "one instance and reg-id is one binding");
            assertTrue(bindings.get(0).flowId() != firstFlow);
        }
    }

    @Test
    void bindingsSurviveARestartWithoutAFlow() throws Exception {
        try (SipTestClient phone = client()) {
            phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>", "Expires: 600");
        }
        sip.close();

        sip = start(RegistrarSettings.standard());

        List<Binding> restored = sip.location().bindings("sip:1001@hub.test");
        assertEquals(1, restored.size());
        assertEquals("<sip:1001@h>", restored.get(0).contact());
        assertFalse(restored.get(0).hasFlow(), "no flow until the phone reconnects");
    }

    @Test
    void aClientCertificateMustBelongToTheAccountsPhone() throws Exception {
        DeviceCertificates.IssuedCertificate own = pki.issueDeviceCertificate(
                DeviceCertificateRequest.of(PHONE, "Myriad M7"), home.resolve("own"));
        DeviceCertificates.IssuedCertificate other = pki.issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse("00809f000002"), "Myriad M7"), home.resolve("other"));

        try (SipTestClient phone = client(own)) {
            assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>").getStatusCode());
        }
        assertEquals("00809faabbcc", sip.location().bindings("sip:1001@hub.test").get(0).deviceMac());
        try (SipTestClient phone = client(other)) {
            assertRefused(403, "certificate-mismatch",
                    phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>"));
        }
        pki.revokeMac(PHONE, io.hub.pki.RevocationList.Reason.KEY_COMPROMISE);
        try (SipTestClient phone = client(own)) {
            assertRefused(403, "certificate-refused",
                    phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>"));
        }
    }

    @Test
    void malformedRequestsAre400AndTheServerGoesOn() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse bad = phone.send("REGISTER sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bKx\r\n"
                    + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:1001@hub.test>\r\nCall-ID: x\r\n"
                    + "CSeq: 1 REGISTER\r\nMax-Forwards: eleven\r\nContent-Length: 0\r\n\r\n");
            assertEquals(400, bad.getStatusCode());
            phone.write("\u0001\u0002garbage that is no SIP at all\r\n\r\n");

            assertEquals(401, phone.send(phone.register("1001", "<sip:1001@h>")).getStatusCode(),
                    "the same connection is still served");
        }
    }

    @Test
    void anOversizedHeaderBlockIs513AndTheConnectionCloses() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse tooLarge = phone.send("REGISTER sip:hub.test SIP/2.0\r\nX-Padding: " + "x".repeat(20_000)
                    + "\r\n\r\n");

            assertEquals(513, tooLarge.getStatusCode());
            assertTrue(phone.closedByHub());
        }
        try (SipTestClient next = client()) {
            assertEquals(401, next.send(next.register("1001", "<sip:1001@h>")).getStatusCode());
        }
    }

    @Test
    void aDigestAnsweredForAnotherRequestUriIs400AndTheSameUriWrittenOtherwiseRegisters() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@h>"));
            SIPResponse elsewhere = phone.send(phone.register("1001", "<sip:1001@h>",
                    SipTestClient.authorization(challenge, "1001", "secret-1001", "MD5", 1, "sip:elsewhere.test")));

            assertEquals(400, elsewhere.getStatusCode());
            assertEquals(List.of("399 hub \"wrong-uri\""), values(elsewhere, "Warning"));
            assertTrue(sip.location().bindings("sip:1001@hub.test").isEmpty());

            SIPResponse again = phone.send(phone.register("1001", "<sip:1001@h>"));
            assertEquals(200, phone.send(phone.register("1001", "<sip:1001@h>",
                    SipTestClient.authorization(again, "1001", "secret-1001", "MD5", 1, "sip:HUB.test")))
                    .getStatusCode(), "a host compares without case (RFC 3261 19.1.4)");
        }
        assertTrue(refusals.contains("wrong-uri"), refusals.toString());
    }

    @Test
    void aDigestUriNamingTheAddressTheRequestArrivedOnRegistersAndAnotherPortDoesNot() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@h>"));
            SIPResponse otherPort = phone.send(phone.register("1001", "<sip:1001@h>", SipTestClient.authorization(
                    challenge, "1001", "secret-1001", "MD5", 1, "sip:127.0.0.1:" + (sip.tlsPort() + 1))));

            assertEquals(400, otherPort.getStatusCode(), "another port is another server");
            SIPResponse again = phone.send(phone.register("1001", "<sip:1001@h>"));
            assertEquals(200, phone.send(phone.register("1001", "<sip:1001@h>", SipTestClient.authorization(again,
                    "1001", "secret-1001", "MD5", 1, "sip:127.0.0.1:" + sip.tlsPort()))).getStatusCode(),
                    "SIPp's default digest uri names the hub's own address and port");
        }
    }

    @Test
    void anAorRegisteringBeyondItsRateIs503WithRetryAfterWhileWrongPasswordsAndOtherAorsAreNotCounted()
            throws Exception {
        sip.close();
        io.hub.pki.MutableClock clock = new io.hub.pki.MutableClock(java.time.Instant.now());
        io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        sip = TestSip.with(pki, home).credentials((user, domain) -> Optional.ofNullable(ACCOUNTS.get(user)))
                .storedIn(database).clock(clock).metrics(metrics)
                .settings(RegistrarSettings.standard().withRegistersPerAorPerSecond(3)).start();
        sip.registrar().onRefusal(refusal -> refusals.add(refusal.failure().code()));
        try (SipTestClient phone = client(); SipTestClient other = client()) {
            for (int i = 0; i < 10; i++) {
                assertEquals(403, phone.registerWithPassword("1001", "guessed", "MD5", "<sip:1001@h>")
                        .getStatusCode(), "someone without the password uses up nothing");
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>")
                        .getStatusCode());
            }
            SIPResponse tooFrequent = phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h2>");

            assertEquals(503, tooFrequent.getStatusCode());
            assertEquals(List.of("1"), values(tooFrequent, "Retry-After"));
            assertEquals(List.of("399 hub \"too-frequent\""), values(tooFrequent, "Warning"));
            assertEquals(1, sip.location().bindings("sip:1001@hub.test").size(), "nothing stored");
            assertEquals(200, other.registerWithPassword("1002", "secret-1002", "MD5", "<sip:1002@h>")
                    .getStatusCode(), "another AOR has its own rate");
            assertEquals(2.0, guardKeys(metrics, "registers-per-aor"), "two AORs counted this second");
            assertEquals(1.0, guardKeys(metrics, "refusal-logs-per-source"), "the wrong passwords' one source");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>")
                    .getStatusCode(), "the next second the AOR registers again");
        }
        assertEquals(1.0, metrics.counter("hub.sip.register", "outcome", "too-frequent").count());
        assertTrue(refusals.contains("too-frequent"), refusals.toString());
    }

    private static double guardKeys(io.micrometer.core.instrument.MeterRegistry metrics, String guard) {
        return metrics.get("hub.sip.guard.keys").tag("guard", guard).gauge().value();
    }

    @Test
    void aFloodFromOneAddressIs503ButRegisteredFlowsAreNotCounted() throws Exception {
        try (SipTestClient registered = client()) {
            registered.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>");
            try (SipTestClient flooder = client()) {
                // Written in one burst, so the flood lands inside one density window however slow the machine.
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < 600; i++) {
                    flood.append(options(i));
                }
                flooder.write(flood.toString());
                int busy = 0;
                String retryAfter = null;
                for (int i = 0; i < 600; i++) {
                    SIPResponse response = (SIPResponse) flooder.readMessage();
                    if (response.getStatusCode() == 503) {
                        busy++;
                        retryAfter = values(response, "Retry-After").get(0);
                    }
                }
                assertTrue(busy >= 1, "an unregistered flood from one address is refused");
                assertTrue(Integer.parseInt(retryAfter.strip()) >= 1, retryAfter);
            }
            assertEquals(200, registered.send(options(1000)).getStatusCode(),
                    "the registered phone behind the same address is still served");
        }
    }

    @Test
    void connectionsThatHandshakeAndSayNothingDoNotStopTheOthers() throws Exception {
        List<SipTestClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                idle.add(client());
            }
            try (SipTestClient phone = client()) {
                assertEquals(200, phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@h>")
                        .getStatusCode());
            }
        } finally {
            for (SipTestClient client : idle) {
                client.close();
            }
        }
    }

    private static String options(int n) {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bKf" + n + "\r\n"
                + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: f" + n + "\r\nCSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void theHubReachesAPhoneDownItsOwnFlowAndNeverDialsOut() throws Exception {
        Binding binding;
        try (SipTestClient phone = client()) {
            phone.registerWithPassword("1001", "secret-1001", "MD5", "<sip:1001@10.0.0.5:5061;transport=tls>");
            binding = sip.location().bindings("sip:1001@hub.test").get(0);

            var answer = sip.phoneRequests().options(binding, Duration.ofSeconds(10));
            gov.nist.javax.sip.message.SIPMessage received = phone.readMessage();
            assertTrue(received instanceof gov.nist.javax.sip.message.SIPRequest, received.encode());
            assertEquals("OPTIONS", ((gov.nist.javax.sip.message.SIPRequest) received).getMethod());
            phone.write(((gov.nist.javax.sip.message.SIPRequest) received).createResponse(200, "OK").encode());

            assertEquals(200, answer.get(10, java.util.concurrent.TimeUnit.SECONDS).getStatusCode());
        }
        for (int i = 0; i < 50 && sip.location().bindings("sip:1001@hub.test").get(0).hasFlow(); i++) {
            Thread.sleep(100);
        }
        Binding orphan = sip.location().bindings("sip:1001@hub.test").get(0);
        var unreachable = sip.phoneRequests().options(orphan, Duration.ofSeconds(10));
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> unreachable.get(1, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof PhoneRequests.Unreachable, failure.toString());
    }

    @Test
    void optionsIsAnswered() throws Exception {
        try (SipTestClient phone = client()) {
            SIPResponse ok = phone.send("OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bKo\r\n"
                    + "From: <sip:1001@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\n"
                    + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");

            assertEquals(200, ok.getStatusCode());
            assertTrue(values(ok, "Allow").contains("REGISTER"), values(ok, "Allow").toString());
        }
    }

    private SipTestClient client() throws Exception {
        return SipTestClient.tls(sip.tlsPort(), PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), null,
                null);
    }

    private SipTestClient client(DeviceCertificates.IssuedCertificate phone) throws Exception {
        X509Certificate ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
        return SipTestClient.tls(sip.tlsPort(), ca, phone.certificate(), phone.keys().getPrivate());
    }
}
