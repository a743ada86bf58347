package io.hub.provisioning;

import com.zaxxer.hikari.HikariDataSource;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.HubTlsEngines;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.pki.TlsProvider;

import io.hub.provisioning.storage.SecretKeyFile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A real provisioning server for tests: a PKI in a temporary home, H2 on disk (or PostgreSQL, see
 * {@link TestStore}), both HTTPS servers on free loopback ports, and clients that speak to it as a phone (with its certificate) and as
 * an admin (with the bearer token).
 */
public final class TestHub implements AutoCloseable {

    public static final String TOKEN = "test-admin-token";
    public static final String SECRETS_KEY = "sip-passwords.key";

    public final Path home;
    public final HubPki pki;
    public final Provisioning provisioning;
    /** The hub's metrics, for tests of the sizes of its caches. */
    public final PrometheusMeterRegistry metrics;
    private final HttpClient admin;
    private final HikariDataSource database;

    /** The hub's connection pool, for tests that make the database fail under a running hub. */
    public HikariDataSource dataSource() {
        return database;
    }

    private TestHub(Path home, HubPki pki, Provisioning provisioning, HikariDataSource database,
            PrometheusMeterRegistry metrics) throws Exception {
        this.database = database;
        this.metrics = metrics;
        this.home = home;
        this.pki = pki;
        this.provisioning = provisioning;
        this.admin = client(null, null);
    }

    public static TestHub start(Path home) throws Exception {
        return start(home, HttpLimits.standard());
    }

    public static TestHub start(Path home, HttpLimits http) throws Exception {
        return start(TestStore.H2, home, http, FirmwareLimits.standard());
    }

    /** With another largest firmware image and tenant quota. */
    public static TestHub start(Path home, FirmwareLimits firmware) throws Exception {
        return start(TestStore.H2, home, HttpLimits.standard(), firmware);
    }

    /** A hub on a new database of {@code store}. */
    public static TestHub start(TestStore store, Path home) throws Exception {
        return start(store, home, HttpLimits.standard(), FirmwareLimits.standard());
    }

    /** A hub whose provisioning reaches its database through {@code wrap} (a test's statement counter). */
    public static TestHub start(Path home, java.util.function.UnaryOperator<javax.sql.DataSource> wrap)
            throws Exception {
        return start(TestStore.H2, home, HttpLimits.standard(), FirmwareLimits.standard(), wrap,
                TlsProvider.standard());
    }

    /** A hub whose HTTPS ports run on {@code tls}. */
    public static TestHub start(Path home, TlsProvider tls) throws Exception {
        return start(TestStore.H2, home, HttpLimits.standard(), FirmwareLimits.standard(),
                java.util.function.UnaryOperator.identity(), tls);
    }

    private static TestHub start(TestStore store, Path home, HttpLimits http, FirmwareLimits firmware)
            throws Exception {
        return start(store, home, http, firmware, java.util.function.UnaryOperator.identity(), TlsProvider.standard());
    }

    private static TestHub start(TestStore store, Path home, HttpLimits http, FirmwareLimits firmware,
            java.util.function.UnaryOperator<javax.sql.DataSource> wrap, TlsProvider tls) throws Exception {
        HubPki pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost", "127.0.0.1"));
        HikariDataSource database = store.pool(home.resolve("db"));
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Provisioning provisioning = Provisioning.start(new Provisioning.Settings(pki, home.resolve("firmware"),
                    home.resolve("profiles"), "127.0.0.1", 0, "127.0.0.1", 0, TOKEN,
                    DeviceEndpointSettings.defaults(null, 5061),
                    Provisioning.Settings.DEVICE_REQUESTS_PER_SECOND,
                    SecretKeyFile.loadOrCreate(home.resolve("secrets").resolve(SECRETS_KEY)), http, firmware, tls),
                    wrap.apply(database), metrics, Clock.systemUTC());
            return new TestHub(home, pki, provisioning, database, metrics);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /** A phone: a factory certificate from the development manufacturer and a client that presents it. */
    public Phone phone(String mac, String model) throws Exception {
        DeviceCertificates.IssuedCertificate issued = pki.issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse(mac), model), phoneDirectory(mac));
        return phone(issued.certificate(), issued.keys().getPrivate());
    }

    /** Enrolls {@code mac} with {@code extension} through the admin API, as an operator would (201). */
    public void enroll(String mac, String model, String extension) throws Exception {
        ContentResponse enrolled = adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + mac + "\", \"model\": \""
                + model + "\", \"extension\": \"" + extension + "\"}");
        if (enrolled.getStatus() != 201) {
            throw new IllegalStateException("enrolling " + mac + ": " + enrolled.getStatus() + " "
                    + enrolled.getContentAsString());
        }
    }

    public Phone phone(X509Certificate certificate, PrivateKey key) throws Exception {
        return new Phone(this, client(certificate, key));
    }

    public Path phoneDirectory(String mac) {
        return home.resolve("phones").resolve(MacAddress.parse(mac).value());
    }

    public String deviceUrl(String path) {
        return "https://localhost:" + provisioning.devicePort() + path;
    }

    public String adminUrl(String path) {
        return "https://localhost:" + provisioning.adminPort() + path;
    }

    public ContentResponse admin(String method, String path, String contentType, byte[] body) throws Exception {
        return admin(TOKEN, method, path, contentType, body);
    }

    /** An admin request with another tenant's token. */
    public ContentResponse admin(String token, String method, String path, String contentType, byte[] body)
            throws Exception {
        var request = admin.newRequest(adminUrl(path)).method(method).timeout(30, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + token));
        if (body != null) {
            request.body(new BytesRequestContent(contentType, body));
        }
        return request.send();
    }

    public ContentResponse adminJson(String method, String path, String json) throws Exception {
        return admin(method, path, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public ContentResponse adminJson(String token, String method, String path, String json) throws Exception {
        return admin(token, method, path, "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public HttpClient anonymousAdminClient() {
        return admin;
    }

    /** A bare TLS connection to {@code port}, handshake done, that trusts the hub CA and shows no certificate. */
    public SSLSocket rawTls(int port) throws Exception {
        SSLSocket socket = (SSLSocket) HubTlsEngines.clientTrustingHubCa(pki, null).getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private HttpClient client(X509Certificate certificate, PrivateKey key) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hub", PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)));
        tls.setTrustStore(trust);
        if (certificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("phone", key, "x".toCharArray(), new X509Certificate[] {certificate});
            tls.setKeyStore(keys);
            tls.setKeyStorePassword("x");
        }
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.start();
        return client;
    }

    @Override
    public void close() {
        stop(admin);
        provisioning.close();
        database.close();
    }

    private static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client did not stop", e);
        }
    }

    /** A phone's HTTPS client. */
    public static final class Phone implements AutoCloseable {
        private final TestHub hub;
        private final HttpClient client;

        Phone(TestHub hub, HttpClient client) {
            this.hub = hub;
            this.client = client;
        }

        public ContentResponse get(String path, String... headers) throws Exception {
            var request = client.newRequest(hub.deviceUrl(path)).timeout(30, TimeUnit.SECONDS);
            for (int i = 0; i < headers.length; i += 2) {
                String name = headers[i];
                String value = headers[i + 1];
                request.headers(h -> h.put(name, value));
            }
            return request.send();
        }

        public ContentResponse post(String path, String json) throws Exception {
            return client.newRequest(hub.deviceUrl(path)).method("POST").timeout(30, TimeUnit.SECONDS)
                    .body(new BytesRequestContent("application/json", json.getBytes(StandardCharsets.UTF_8))).send();
        }

        @Override
        public void close() {
            stop(client);
        }
    }
}
