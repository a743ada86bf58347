package io.hub.app;

import static io.hub.app.CommandLineRun.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.HubTlsEngines;
import io.hub.pki.MacRule;
import io.hub.pki.PemFiles;
import io.hub.pki.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hub device …} and {@code hub firmware …} against a running hub. */
class AdminCommandTest {

    @TempDir
    Path dir;

    private Hub running;
    private String home;

    @BeforeEach
    void startHub() {
        HubSettings settings = TestSettings.ephemeralPorts();
        running = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        home = dir.resolve("var").toString();
    }

    @AfterEach
    void stopHub() {
        running.close();
    }

    @Test
    void enrollListShowDisableEnableRemove() {
        CommandLineRun enroll = admin("device", "enroll", "--mac", "00:80:9F:AA:BB:CC", "--model", "m7",
                "--extension", "1001", "--display-name", "Reception", "--site", "Paris");
        assertEquals(0, enroll.exitCode(), enroll.err());
        assertEquals("enrolled 00809faabbcc (Myriad M7) as extension 1001", enroll.out().strip());

        String list = admin("device", "list", "--site", "Paris").out();
        assertTrue(list.contains("00809faabbcc  Myriad M7   1001       enabled   Paris         Reception"), list);
        assertTrue(admin("device", "show", "0080.9faa.bbcc").out().contains("\"extension\" : \"1001\""));
        assertEquals("disabled 00809faabbcc", admin("device", "disable", "00809faabbcc").out().strip());
        assertTrue(admin("device", "list", "--state", "disabled").out().contains("00809faabbcc"));
        assertEquals("enabled 00809faabbcc", admin("device", "enable", "00809faabbcc").out().strip());
        assertEquals("removed 00809faabbcc", admin("device", "remove", "00809faabbcc").out().strip());

        CommandLineRun gone = admin("device", "show", "00809faabbcc");
        assertEquals(2, gone.exitCode());
        assertEquals("hub: the hub refused (404 not-found): no device 00809faabbcc", gone.errorLine());
    }

    @Test
    void importReportsEveryBadLineWithItsNumberAndImportsNothing() throws Exception {
        Path good = Files.writeString(dir.resolve("good.csv"), "action,macAddress,deviceType,extension\n"
                + "create,00809f000001,Myriad M7,1001\ncreate,00809f000002,Halo H3P,1002\n");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "action,macAddress,deviceType,extension\n"
                + "create,00809f000003,Myriad M7,1003\ncreate,00809f000004,Myriad M9,1004\n");

        CommandLineRun dryRun = admin("device", "import", good.toString(), "--dry-run");
        CommandLineRun refused = admin("device", "import", bad.toString());
        CommandLineRun imported = admin("device", "import", good.toString());

        assertEquals("checked 2 line(s): 2 created, 0 updated, 0 deleted\ndry run: nothing was changed",
                dryRun.out().strip());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().startsWith(bad + ":3: unknown deviceType 'Myriad M9'"), refused.err());
        assertTrue(refused.err().strip().endsWith("hub: 1 bad line(s) of 2 in " + bad + "; nothing was imported"),
                refused.err());
        assertEquals("imported 2 line(s): 2 created, 0 updated, 0 deleted", imported.out().strip());
        assertTrue(!admin("device", "list").out().contains("00809f000003"));
    }

    @Test
    void approveBindsThePendingGenericCertificateAndUnbindForgetsIt() throws Exception {
        CertificateAuthority generic = TestPki.root("CN=Generic Phones CA,O=Generic");
        Path file = dir.resolve("generic.pem");
        PemFiles.writeCertificates(file, List.of(generic.certificate()));
        running.pki().trust(file, Optional.of("generic"), MacRule.CN, true);
        TestPki.Leaf leaf = TestPki.leaf("CN=Some Phone,O=Generic");
        X509Certificate certificate = leaf.issuedBy(generic);
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
        assertEquals(0, admin("device", "enroll", "--mac", "00809f0000aa", "--model", "Myriad M7", "--extension",
                "1001").exitCode());

        CommandLineRun nothing = admin("device", "approve", "00809f0000aa");
        assertEquals(2, nothing.exitCode());
        assertEquals("hub: no certificate is waiting for approval for 00809f0000aa; give --fingerprint to bind one",
                nothing.errorLine());
        assertEquals(403, fetchConfig(certificate, leaf));

        CommandLineRun approved = admin("device", "approve", "00809f0000aa");
        assertEquals(0, approved.exitCode(), approved.err());
        assertTrue(approved.out().startsWith("bound certificate " + fingerprint + " to 00809f0000aa (first seen "),
                approved.out());
        assertTrue(approved.out().strip().endsWith(" from 127.0.0.1)"), approved.out());
        assertEquals(200, fetchConfig(certificate, leaf));

        assertEquals("unbound the certificate of 00809f0000aa",
                admin("device", "unbind", "00809f0000aa").out().strip());
        assertEquals(403, fetchConfig(certificate, leaf));
        CommandLineRun given = admin("device", "approve", "00809f0000aa", "--fingerprint", fingerprint.toUpperCase());
        assertEquals("bound certificate " + fingerprint + " to 00809f0000aa", given.out().strip());
        assertTrue(admin("device", "show", "00809f0000aa").out().contains("\"bound\" : \"" + fingerprint + "\""));

        CommandLineRun bad = admin("device", "approve", "00809f0000aa", "--fingerprint", "12:34");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.errorLine().startsWith("hub: the hub refused (400 invalid-fingerprint): certificateSha256 "
                + "'12:34' is not a SHA-256 fingerprint"), bad.errorLine());
    }

    @Test
    void enrollBindsTheCertificateGiven() {
        String fingerprint = "ab".repeat(32);
        CommandLineRun enroll = admin("device", "enroll", "--mac", "00809f0000aa", "--model", "Myriad M7",
                "--certificate-sha256", fingerprint.toUpperCase());

        assertEquals(0, enroll.exitCode(), enroll.err());
        assertTrue(admin("device", "show", "00809f0000aa").out().contains("\"bound\" : \"" + fingerprint + "\""));
    }

    /** The status of a configuration fetch by a phone presenting {@code certificate}. */
    private int fetchConfig(X509Certificate certificate, TestPki.Leaf leaf) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("phone", leaf.keyPair().getPrivate(), "x".toCharArray(), new X509Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, "x".toCharArray());
        HttpClient client = HttpClient.newBuilder()
                .sslContext(HubTlsEngines.clientTrustingHubCa(running.pki(), keyManagers)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + running.provisioning().devicePort() + "/prov/v1/config/00809f0000aa.xml")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void firmwareUploadListTarget() throws Exception {
        Path image = Files.write(dir.resolve("m7-2.0.bin"), new byte[4096]);

        CommandLineRun upload = admin("firmware", "upload", "--model", "Myriad M7", "--version", "2.0",
                image.toString());
        CommandLineRun target = admin("firmware", "target", "--model", "Myriad M7", "--version", "2.0");
        String list = admin("firmware", "list").out();

        assertEquals(0, upload.exitCode(), upload.err());
        assertTrue(upload.out().startsWith("uploaded Myriad M7 2.0: 4096 bytes, sha256 "), upload.out());
        assertEquals("every Myriad M7 now runs 2.0", target.out().strip());
        assertTrue(list.contains("Myriad M7   2.0                   4096  yes"), list);
    }

    @Test
    void tenantAddListRotateRevoke() throws Exception {
        CommandLineRun added = admin("tenant", "add", "acme", "--sip-domain", "acme.example.com");
        CommandLineRun derived = admin("tenant", "add", "beta");

        assertEquals(0, added.exitCode(), added.err());
        String[] lines = added.out().strip().split("\n");
        assertEquals("created tenant acme with SIP domain acme.example.com; its admin token:", lines[0]);
        String token = lines[lines.length - 1];
        Path tokenFile = Files.writeString(dir.resolve("acme-token"), token);
        assertEquals(0, admin("device", "list", "--token-file", tokenFile.toString()).exitCode(), "the token works");
        assertTrue(derived.out().startsWith("created tenant beta with SIP domain beta."), derived.out());
        String list = admin("tenant", "list").out();
        assertTrue(list.contains("acme                              acme.example.com"), list);
        assertTrue(list.contains("operator (admin-token)"), list);
        assertTrue(!list.contains(token), "tokens are never listed");

        CommandLineRun notOperator = admin("tenant", "add", "evil", "--token-file", tokenFile.toString());
        assertEquals(2, notOperator.exitCode());
        assertEquals("hub: the hub refused (403 operator-only): managing tenants is for the operator (the token in "
                + "var/admin-token) only", notOperator.errorLine());
        CommandLineRun taken = admin("tenant", "add", "other", "--sip-domain", "acme.example.com");
        assertEquals("hub: the hub refused (409 domain-taken): domain acme.example.com belongs to another tenant",
                taken.errorLine());
        CommandLineRun badName = admin("tenant", "add", "Bad Name");
        assertEquals("hub: the hub refused (400 invalid-tenant): the tenant's name 'Bad Name' is not lower-case "
                + "letters, digits and inner dashes", badName.errorLine());

        CommandLineRun rotated = admin("tenant", "rotate-token", "acme");
        String[] rotatedLines = rotated.out().strip().split("\n");
        assertEquals("new admin token of acme:", rotatedLines[0]);
        assertEquals(2, admin("device", "list", "--token-file", tokenFile.toString()).exitCode(), "the old one stops");
        Files.writeString(tokenFile, rotatedLines[rotatedLines.length - 1]);
        assertEquals(0, admin("device", "list", "--token-file", tokenFile.toString()).exitCode());
        assertEquals("revoked the admin token of acme", admin("tenant", "revoke-token", "acme").out().strip());
        assertEquals(2, admin("device", "list", "--token-file", tokenFile.toString()).exitCode());
        assertTrue(hub("--help").out().contains("tenant"), "hub --help lists the tenant commands");
    }

    @Test
    void tenantSetChangesTheSipClientCertificateAndDefaultFollowsTheHubAgain() {
        assertEquals(0, admin("tenant", "add", "acme").exitCode());

        CommandLineRun required = admin("tenant", "set", "acme", "--sip-client-certificate", "required");
        assertEquals(0, required.exitCode(), required.err());
        assertEquals("tenant acme: sipClientCertificate required", required.out().strip());
        assertEquals(java.util.Optional.of("required"),
                running.provisioning().tenants().sipClientCertificate("acme"));
        String list = admin("tenant", "list").out();
        assertTrue(list.lines().anyMatch(line -> line.startsWith("acme ") && line.endsWith("required")), list);
        assertTrue(list.lines().anyMatch(line -> line.startsWith("default ") && line.endsWith("default (hub.yaml)")),
                list);

        CommandLineRun back = admin("tenant", "set", "acme", "--sip-client-certificate", "default");
        assertEquals("tenant acme: sipClientCertificate default (the hub's setting)", back.out().strip());
        assertEquals(java.util.Optional.empty(), running.provisioning().tenants().sipClientCertificate("acme"));

        CommandLineRun bad = admin("tenant", "set", "acme", "--sip-client-certificate", "always");
        assertEquals(2, bad.exitCode());
        assertEquals("hub: --sip-client-certificate 'always' is not required, wanted or default", bad.errorLine());
        CommandLineRun nobody = admin("tenant", "set", "nobody", "--sip-client-certificate", "wanted");
        assertEquals(2, nobody.exitCode());
        assertEquals("hub: the hub refused (404 not-found): no tenant nobody", nobody.errorLine());
        assertEquals(java.util.Optional.empty(), running.provisioning().tenants().sipClientCertificate("acme"));
    }

    @Test
    void startTakesSipClientCertificateLikeHubYamlAndRefusesAnyOtherValueInOneLine() {
        StartCommand start = new StartCommand();
        new picocli.CommandLine(start).parseArgs("--sip-client-certificate", "required");
        HubSettings settings = new HubSettings();
        start.applyFlags(settings);
        assertEquals("required", settings.validate().sipClientCertificate);

        CommandLineRun bad = hub("start", "--home", dir.resolve("other-home").toString(), "--sip-client-certificate",
                "always");
        assertEquals(2, bad.exitCode());
        assertEquals("hub: sipClientCertificate 'always' is not wanted or required", bad.errorLine());
        assertTrue(hub("start", "--help").out().contains("--sip-client-certificate"));
        assertTrue(hub("tenant", "--help").out().contains("set"));
    }

    @Test
    void aHubThatDoesNotAnswerIsOneLine() {
        CommandLineRun run = hub("device", "list", "--home", home, "--admin-url", "https://127.0.0.1:1/");

        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().startsWith("hub: cannot reach the admin API at https://127.0.0.1:1/"),
                run.err());
    }

    private CommandLineRun admin(String... args) {
        return CommandLineRun.admin(running, home, args);
    }
}
