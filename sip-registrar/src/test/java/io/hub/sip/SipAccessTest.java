package io.hub.sip;

import static io.hub.sip.SipReplies.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.CertificateAuthority;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.MacPlacement;
import io.hub.pki.MacRule;
import io.hub.pki.MutableClock;
import io.hub.pki.PemFiles;
import io.hub.pki.RevocationList;
import io.hub.pki.TestPki;
import io.hub.sip.location.LocationEvent;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.SipCredentials;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phone that loses its right to SIP loses it at once, over real TLS flows: revoked (in the PKI's
 * files, as another process revokes), disabled or deleted, it loses its flow, its calls (a BYE on
 * both legs) and its bindings; and a certificate is judged for the account's own phone at every
 * REGISTER, a generic CA's only when it is the one bound to that phone.
 */
class SipAccessTest {

    private static final MacAddress ALICE = MacAddress.parse("00809f000001");
    private static final MacAddress BOB = MacAddress.parse("00809f000002");

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final Map<String, SipCredentials> accounts = new ConcurrentHashMap<>();
    private final List<Withdrawal> withdrawals = Collections.synchronizedList(new ArrayList<>());
    private final List<LocationEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<CallPhone> phones = new ArrayList<>();
    private HubPki pki;
    private HikariDataSource database;
    private SipService sip;

    @BeforeEach
    void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        database = new HikariDataSource();
        database.setJdbcUrl("jdbc:h2:file:" + home.resolve("db/hub") + ";WRITE_DELAY=0");
        account("2001", "pw-2001", ALICE, true);
        account("2002", "pw-2002", BOB, true);
        sip = start(SipService.Standing.of(pki));
    }

    private SipService start(SipService.Standing standing) throws Exception {
        return start(standing, pki);
    }

    /** SIP judging certificates by {@code judge}'s validator (and its clock). */
    private SipService start(SipService.Standing standing, HubPki judge) throws Exception {
        SipService service = TestSip.with(pki, home).judgedBy(judge, standing).clock(clock)
                .credentials((user, domain) -> "hub.test".equals(domain) ? Optional.ofNullable(accounts.get(user))
                        : Optional.empty())
                .storedIn(database).start();
        service.access().onWithdrawal(withdrawals::add);
        service.location().subscribe(events::add);
        return service;
    }

    @AfterEach
    void stop() {
        phones.forEach(CallPhone::close);
        sip.close();
        database.close();
    }

    @Test
    void aPhoneRevokedByAnotherProcessLosesItsFlowItsCallAndItsRegistration() throws Exception {
        CallPhone alice = phone("2001", certificate(ALICE, "alice"));
        CallPhone bob = phone("2002", null);
        CallPhone.establish(alice, bob);

        // What `hub pki revoke --mac` does in its own process: the hub's PKI objects learn it from the file.
        HubPki.at(home.resolve("pki"), Clock.systemUTC()).revokeMac(ALICE, RevocationList.Reason.KEY_COMPROMISE);

        alice.expectRequest("BYE");
        bob.expectRequest("BYE");
        assertTrue(alice.sip.closedByHub(), "the revoked phone's flow is closed");
        assertEquals(List.of(), sip.location().bindings("sip:2001@hub.test"));
        assertTrue(events.stream().anyMatch(e -> e.kind() == LocationEvent.Kind.REMOVED
                && e.binding().aor().equals("sip:2001@hub.test")), "the removal is announced");
        Withdrawal withdrawal = withdrawals.get(0);
        assertEquals(WithdrawReason.REVOKED, withdrawal.reason());
        assertEquals(Optional.of(ALICE), withdrawal.device());
        assertEquals(1, withdrawal.callsEnded());
        assertEquals(List.of(), sip.calls().active());

        try (SipTestClient copied = client(null)) {
            assertRefused(403, "revoked", copied.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>"));
        }
        assertEquals(200, bob.sip.send(options()).getStatusCode(), "the other phone keeps its flow");
        assertEquals(1, sip.location().bindings("sip:2002@hub.test").size());
    }

    @Test
    void aRevokedCertificateClosesTheFlowItWasPresentedOn() throws Exception {
        DeviceCertificates.IssuedCertificate own = certificate(ALICE, "alice");
        CallPhone alice = phone("2001", own);

        HubPki.at(home.resolve("pki"), Clock.systemUTC()).revokeCertificate(own.certificate(),
                RevocationList.Reason.SUPERSEDED);

        assertTrue(alice.sip.closedByHub());
        assertEquals(List.of(), sip.location().bindings("sip:2001@hub.test"));
        assertEquals(WithdrawReason.REVOKED, withdrawals.get(0).reason());
        assertEquals(Optional.of(ALICE), withdrawals.get(0).device(), "whose password is to be rotated");
    }

    @Test
    void aDisabledPhoneIsTakenOffAndComesBackOnlyWithItsNewPassword() throws Exception {
        CallPhone alice = phone("2001", null);
        CallPhone bob = phone("2002", null);
        CallPhone.establish(bob, alice);

        account("2001", "pw-2001", ALICE, false);
        List<Withdrawal> done = sip.access().recheckUser("2001");

        assertEquals(1, done.size());
        assertEquals(WithdrawReason.DISABLED, done.get(0).reason());
        alice.expectRequest("BYE");
        bob.expectRequest("BYE");
        assertTrue(alice.sip.closedByHub());
        try (SipTestClient copied = client(null)) {
            assertRefused(403, "disabled", copied.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>"));
        }

        account("2001", "rotated-2001", ALICE, true);
        try (SipTestClient copied = client(null)) {
            assertRefused(403, "wrong-password", copied.registerWithPassword("2001", "pw-2001", "MD5",
                    "<sip:2001@h>"));
        }
        phone("2001", null, "rotated-2001");
        assertEquals(1, sip.location().bindings("sip:2001@hub.test").size());
    }

    @Test
    void aDeletedPhoneIsTakenOffAndItsAorIsUnknown() throws Exception {
        CallPhone alice = phone("2001", null);
        CallPhone bob = phone("2002", null);
        CallPhone.establish(alice, bob);

        accounts.remove("2001");
        assertEquals(WithdrawReason.REMOVED, sip.access().recheckUser("2001").get(0).reason());

        alice.expectRequest("BYE");
        bob.expectRequest("BYE");
        assertTrue(alice.sip.closedByHub());
        try (SipTestClient copied = client(null)) {
            assertRefused(404, "unknown-aor", copied.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>"));
        }
        assertEquals(List.of(), sip.access().recheckUser("2002"), "a phone whose account stands is left alone");
    }

    @Test
    void aRefreshOnTheSameConnectionIsJudgedAgainOnceItsVerdictIsAFewSecondsOld() throws Exception {
        sip.close();
        sip = start(SipService.Standing.none());
        DeviceCertificates.IssuedCertificate own = certificate(ALICE, "alice");
        try (SipTestClient phone = client(own)) {
            assertEquals(200, phone.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>").getStatusCode());
            pki.revokeCertificate(own.certificate(), RevocationList.Reason.KEY_COMPROMISE);

            clock.advance(Duration.ofSeconds(6));
            SIPResponse refresh = phone.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>");

            assertRefused(403, "certificate-refused", refresh);
        }
    }

    @Test
    void aCertificateThatExpiresOnALiveFlowIsCaughtByThePeriodicSweep() throws Exception {
        sip.close();
        HubPki onTestTime = HubPki.at(home.resolve("pki"), clock);
        sip = start(SipService.Standing.of(onTestTime), onTestTime);
        DeviceCertificates.IssuedCertificate brief = pki.issueDeviceCertificate(new DeviceCertificateRequest(ALICE,
                "Myriad M7", MacPlacement.CN, Duration.ofMinutes(5), Optional.of(clock.instant()), KeyType.EC_P256),
                home.resolve("brief"));
        try (SipTestClient alice = client(brief)) {
            assertEquals(200, alice.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>", "Expires: 3600")
                    .getStatusCode());

            clock.advance(Duration.ofMinutes(11));

            assertTrue(alice.closedByHub(), "nothing changed in the PKI, yet the expired certificate is caught");
        }
        assertEquals(WithdrawReason.CERTIFICATE_REFUSED, withdrawals.get(0).reason());
        assertTrue(withdrawals.get(0).detail().startsWith("expired"), withdrawals.get(0).detail());
        assertEquals(List.of(), sip.location().bindings("sip:2001@hub.test"));
    }

    @Test
    void aGenericCaCertificateRegistersOnlyAsTheCertificateBoundToTheAccountsPhone() throws Exception {
        CertificateAuthority generic = TestPki.root("CN=Generic Vendor");
        Path file = home.resolve("generic-ca.pem");
        PemFiles.writeCertificates(file, List.of(generic.certificate()));
        pki.trust(file, Optional.of("generic"), MacRule.CN, true);
        TestPki.Leaf spec = TestPki.leaf("CN=Phone,O=Generic");
        X509Certificate leaf = spec.issuedBy(generic);
        KeyPair keys = spec.keyPair();

        try (SipTestClient phone = client(leaf, keys.getPrivate())) {
            assertRefused(403, "certificate-not-bound", phone.registerWithPassword("2001", "pw-2001", "MD5",
                    "<sip:2001@h>"));
        }
        accounts.put("2001", accounts.get("2001").withCertificate(Optional.of(Fingerprints.sha256(leaf)), false));
        try (SipTestClient phone = client(leaf, keys.getPrivate())) {
            assertEquals(200, phone.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>").getStatusCode());
        }
        assertEquals("00809f000001", sip.location().bindings("sip:2001@hub.test").get(0).deviceMac(),
                "the MAC is the account's phone's, checked against its bound certificate");
        accounts.put("2001", accounts.get("2001").withCertificate(Optional.of("00".repeat(32)), false));
        try (SipTestClient phone = client(leaf, keys.getPrivate())) {
            assertRefused(403, "certificate-not-bound", phone.registerWithPassword("2001", "pw-2001", "MD5",
                    "<sip:2001@h>"));
        }
    }

    @Test
    void aRequiredCertificateMustComeAndBeTheAccountsPhones() throws Exception {
        account("2001", "pw-2001", ALICE, true);
        accounts.put("2001", accounts.get("2001").withCertificate(Optional.empty(), true));

        try (SipTestClient phone = client(null)) {
            assertRefused(403, "certificate-required", phone.registerWithPassword("2001", "pw-2001", "MD5",
                    "<sip:2001@h>"));
        }
        try (SipTestClient phone = client(certificate(BOB, "bob"))) {
            assertRefused(403, "certificate-mismatch", phone.registerWithPassword("2001", "pw-2001", "MD5",
                    "<sip:2001@h>"));
        }
        try (SipTestClient phone = client(certificate(ALICE, "alice"))) {
            assertEquals(200, phone.registerWithPassword("2001", "pw-2001", "MD5", "<sip:2001@h>").getStatusCode());
        }
        try (SipTestClient phone = client(null)) {
            assertEquals(200, phone.registerWithPassword("2002", "pw-2002", "MD5", "<sip:2002@h>").getStatusCode(),
                    "where it is wanted only, a phone may still come without one");
        }
    }

    private void account(String user, String password, MacAddress device, boolean enabled) {
        accounts.put(user, DigestAuthenticator.credentials(user, "hub.test", password, Optional.of(device), enabled));
    }

    private CallPhone phone(String user, DeviceCertificates.IssuedCertificate certificate) throws Exception {
        return phone(user, certificate, "pw-" + user);
    }

    private CallPhone phone(String user, DeviceCertificates.IssuedCertificate certificate, String password)
            throws Exception {
        CallPhone phone = new CallPhone(user, client(certificate));
        phones.add(phone);
        // Nonces carry the time: on a clock that stands still, two challenges would be one nonce.
        clock.advance(Duration.ofSeconds(1));
        phone.register(password);
        return phone;
    }

    private DeviceCertificates.IssuedCertificate certificate(MacAddress mac, String name) {
        return pki.issueDeviceCertificate(DeviceCertificateRequest.of(mac, "Myriad M7"), home.resolve(name));
    }

    private SipTestClient client(DeviceCertificates.IssuedCertificate phone) throws Exception {
        return phone == null ? client(null, null) : client(phone.certificate(), phone.keys().getPrivate());
    }

    private SipTestClient client(X509Certificate certificate, PrivateKey key) throws Exception {
        clock.advance(Duration.ofSeconds(1));
        return SipTestClient.tls(sip.tlsPort(), PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)),
                certificate, key);
    }

    private static String options() {
        return "OPTIONS sip:hub.test SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bKo1\r\n"
                + "From: <sip:2002@hub.test>;tag=1\r\nTo: <sip:hub.test>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }
}
