package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.phone.Phone;
import io.hub.phone.PhoneSettings;
import io.hub.phone.call.MediaClock;
import io.hub.phone.call.PhoneCalls;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.net.NetLoop;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.sip.SipTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants made through the admin API, the same extensions in both: emulated phones provision
 * over HTTPS with their certificates, register over SIP-TLS in their tenant's domain and call within
 * it; a call into the other tenant's domain is refused, and neither tenant sees the other's
 * registrations or calls.
 */
class TenantSipTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Hub hub;
    private AdminHttp admin;
    private NetLoop loop;
    private ExecutorService work;
    private final List<Phone> phones = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        loop = new NetLoop("phones");
        work = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        for (Phone phone : phones) {
            phone.stop().get(30, TimeUnit.SECONDS);
        }
        loop.close();
        work.shutdownNow();
        hub.close();
    }

    @Test
    void theSameExtensionsRegisterAndCallWithinEachTenantAndNeverAcross() throws Exception {
        HttpResponse<String> created = admin.send("POST", "/admin/v1/tenants",
                "{\"name\": \"acme\", \"sipDomain\": \"acme.example.com\"}", null);
        assertEquals(201, created.statusCode(), created.body());
        String acme = JSON.readTree(created.body()).get("token").asText();
        enroll(null, "00809f000001", "1001");
        enroll(null, "00809f000003", "1002");
        enroll(acme, "00809f000002", "1001");
        enroll(acme, "00809f000004", "1002");

        // The default tenant's two phones reach the hub by two of its names (F13).
        Caller own1001 = boot("00809f000001", "localhost");
        Caller own1002 = boot("00809f000003", "127.0.0.1");
        Caller acme1001 = boot("00809f000002", "localhost");
        Caller acme1002 = boot("00809f000004", "localhost");

        assertEquals("hub.test", own1001.phone.config().domain());
        assertEquals("hub.test", own1002.phone.config().domain(), "not the host name it provisioned with");
        assertEquals("127.0.0.1", own1002.phone.config().registrarHost());
        assertEquals("acme.example.com", acme1001.phone.config().domain());
        assertEquals("acme.example.com", acme1002.phone.config().domain());

        own1001.call("1002");
        acme1001.call("1002");
        own1001.established.get(60, TimeUnit.SECONDS);
        acme1001.established.get(60, TimeUnit.SECONDS);
        PhoneCalls.CallResult across = acme1001.call("sip:1002@hub.test").get(60, TimeUnit.SECONDS);

        assertFalse(across.answered(), "no call crosses tenants");
        assertTrue(across.reason().startsWith("403"), across.reason());
        assertEquals(List.of("sip:1001@hub.test -> sip:1002@hub.test"), activeCalls(null));
        assertEquals(List.of("sip:1001@acme.example.com -> sip:1002@acme.example.com"), activeCalls(acme));
        assertEquals(List.of("sip:1001@hub.test 00809f000001", "sip:1002@hub.test 00809f000003"),
                registrations(null));
        assertEquals(List.of("sip:1001@acme.example.com 00809f000002", "sip:1002@acme.example.com 00809f000004"),
                registrations(acme));
    }

    @Test
    void aRegisterIsAcceptedOnlyInTheAccountsOwnDomain() throws Exception {
        String acme = JSON.readTree(admin.send("POST", "/admin/v1/tenants",
                "{\"name\": \"acme\", \"sipDomain\": \"acme.example.com\"}", null).body()).get("token").asText();
        enroll(null, "00809f000001", "1001");
        enroll(acme, "00809f000002", "1001");
        var enrollment = hub.provisioning().enrollment();
        String own = enrollment.byExtension("default", "1001").orElseThrow().sipPassword();
        String acmes = enrollment.byExtension("acme", "1001").orElseThrow().sipPassword();
        X509Certificate ca = PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));

        try (SipTestClient phone = SipTestClient.tls(hub.sip().tlsPort(), ca, null, null)) {
            assertEquals(200, phone.inDomain("acme.example.com").registerWithPassword("1001", acmes, "MD5",
                    "<sip:1001@10.0.0.5>").getStatusCode());
            assertEquals(403, phone.registerWithPassword("1001", own, "MD5", "<sip:1001@10.0.0.5>").getStatusCode(),
                    "the default tenant's 1001 is another account");
            assertEquals(404, phone.inDomain("nobody.example.com").registerWithPassword("1001", acmes, "MD5",
                    "<sip:1001@10.0.0.5>").getStatusCode(), "a domain no tenant owns has no accounts");
            assertEquals(200, phone.inDomain("127.0.0.1").registerWithPassword("1001", own, "MD5",
                    "<sip:1001@10.0.0.6>").getStatusCode(), "another name of the hub is the default tenant's domain");
        }
        assertEquals(1, hub.sip().location().bindings("sip:1001@acme.example.com").size());
        assertEquals(1, hub.sip().location().bindings("sip:1001@hub.test").size(), "stored under the one domain");
        assertTrue(hub.sip().location().bindings("sip:1001@127.0.0.1").isEmpty());
        hub.auditUpkeep().flush();
        String acmeAudit = admin.send("GET", "/admin/v1/audit", null, acme).body();
        assertTrue(acmeAudit.contains("\"reason\":\"wrong-password\""), "acme reads refusals of its AORs: "
                + acmeAudit);
        assertFalse(acmeAudit.contains("nobody.example.com"), acmeAudit);
        assertTrue(admin.get("/admin/v1/audit").contains("nobody.example.com"), "the operator reads every refusal");
    }

    /** A booted, registered phone that answers calls and can make them. */
    private final class Caller {
        final Phone phone;
        final PhoneCalls calls;
        final CompletableFuture<Void> established = new CompletableFuture<>();

        Caller(Phone phone) throws Exception {
            this.phone = phone;
            CompletableFuture<PhoneCalls> made = new CompletableFuture<>();
            loop.execute(() -> {
                PhoneCalls handler = new PhoneCalls(loop, new MediaClock(loop), phone.config().mediaPortMin(),
                        phone.config().mediaPortMax(), new PhoneCalls.Watcher() {
                            @Override
                            public void established(boolean outgoing) {
                                if (outgoing) {
                                    established.complete(null);
                                }
                            }

                            @Override
                            public void ended(PhoneCalls.CallResult result) {
                            }
                        });
                phone.agent().calls(handler);
                made.complete(handler);
            });
            this.calls = made.get(30, TimeUnit.SECONDS);
        }

        /** Calls {@code target} and stays in the call until the phones stop. */
        CompletableFuture<PhoneCalls.CallResult> call(String target) {
            CompletableFuture<PhoneCalls.CallResult> result = new CompletableFuture<>();
            loop.execute(() -> calls.call(phone.agent(), target, Duration.ofMinutes(10)).whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            }));
            return result;
        }
    }

    private Caller boot(String mac, String hubName) throws Exception {
        PhoneSettings settings = PhoneSettings.defaults(URI.create("https://" + hubName + ":"
                + hub.provisioning().devicePort() + "/"), List.of(PemFiles.readCertificate(
                        hub.pki().file(HubPki.HUB_CA_CERTIFICATE))));
        Phone phone = new Phone(loop, settings, new PhoneCertificates(Optional.empty(), hub.pki(), Clock.systemUTC()),
                work, MacAddress.parse(mac), "Myriad M7", null, new Phone.Listener() {
                });
        phones.add(phone);
        phone.boot().get(120, TimeUnit.SECONDS);
        return new Caller(phone);
    }

    private void enroll(String token, String mac, String extension) throws Exception {
        HttpResponse<String> enrolled = admin.send("POST", "/admin/v1/devices", "{\"mac\": \"" + mac
                + "\", \"model\": \"Myriad M7\", \"extension\": \"" + extension + "\"}", token);
        assertEquals(201, enrolled.statusCode(), enrolled.body());
    }

    private List<String> activeCalls(String token) throws Exception {
        List<String> calls = new ArrayList<>();
        for (JsonNode call : JSON.readTree(admin.send("GET", "/admin/v1/calls", null, token).body()).get("active")) {
            calls.add(call.get("caller").asText() + " -> " + call.get("callee").asText());
        }
        return calls;
    }

    private List<String> registrations(String token) throws Exception {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : JSON.readTree(admin.send("GET", "/admin/v1/registrations", null, token).body())
                .get("registrations")) {
            rows.add(row.get("aor").asText() + " " + row.get("mac").asText());
        }
        rows.sort(null);
        return rows;
    }
}
