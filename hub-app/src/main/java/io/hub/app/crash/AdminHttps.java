package io.hub.app.crash;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The admin API of a hub under test, answering status codes instead of refusing like {@code AdminClient}. */
final class AdminHttps {

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final HubProcess hub;

    AdminHttps(HubProcess hub) throws IOException {
        this.hub = hub;
        this.base = hub.admin();
        this.token = Files.readString(hub.home().resolve("admin-token")).strip();
        this.http = HttpClient.newBuilder().sslContext(trusting(hub.home().resolve("pki/ca.pem")))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The hub this API belongs to, for paths that reach it by other protocols too. */
    HubProcess hub() {
        return hub;
    }

    /** The status of the answer; an exception when the connection broke (the hub was killed). */
    int send(String method, String path, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .method(method, body).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The status and body of the answer; an exception when the connection broke (the hub was killed). */
    HttpResponse<String> exchange(String method, String path, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .method(method, body).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("hub-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caFile + ": " + e.getMessage(), e);
        }
    }
}
