package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.app.UserError;
import io.hub.pki.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The admin API as the command line speaks it: HTTPS trusting only the hub CA of the home, the
 * bearer token of the home. A refusal by the hub becomes a {@link UserError} with the hub's reason
 * and message, so the CLI prints one line and exits 2.
 */
public final class AdminClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final SSLContext tls;
    private final URI base;
    private final String token;

    public AdminClient(URI base, Path caFile, String token) {
        this.base = base;
        this.token = token;
        this.tls = trusting(caFile);
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The answer's JSON; throws {@link UserError} for any status other than 2xx or 422 (import report). */
    public JsonNode send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UserError("cannot reach the admin API at " + base + ": " + e.getMessage()
                    + " (is the hub running? see --admin-url)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
        return answer(response.statusCode(), response.body());
    }

    /** The answer's JSON; a {@link UserError} with the hub's reason for any status but 2xx and 422. */
    private static JsonNode answer(int status, byte[] body) {
        JsonNode json = parse(body);
        if (status / 100 != 2 && status != 422) {
            String reason = json.path("error").asText("http-" + status);
            String message = json.path("message").asText(json.path("status").asText(""));
            throw new UserError("the hub refused (" + status + " " + reason + "): " + message);
        }
        return json;
    }

    public JsonNode json(String method, String path, Object body) {
        try {
            return send(method, path, body == null ? null : "application/json", body == null ? null
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a file as the body, showing progress on a terminal when it takes more than a moment. */
    public JsonNode upload(String path, String contentType, Path file, String what) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        if (size == 0) {
            throw new UserError(file + " is empty: nothing to upload");
        }
        try (Progress progress = new Progress(what, size); InputStream body = progress.counting(open(file))) {
            ContinuedUpload.Answer answer = ContinuedUpload.post(tls, base.resolve(path), token, contentType, size,
                    body);
            return answer(answer.status(), answer.body());
        } catch (IOException e) {
            throw new UserError("cannot reach the admin API at " + base + ": " + e.getMessage()
                    + " (is the hub running? see --admin-url)");
        }
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static SSLContext trusting(Path caFile) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("hub", PemFiles.readCertificate(caFile));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new UserError("cannot trust " + caFile + ": " + e.getMessage());
        }
    }
}
