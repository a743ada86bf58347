package io.hub.app;

import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.sip.SipTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/** The admin API of a running hub over HTTPS, trusting the hub's own CA, with its admin token. */
final class AdminHttp {

    private final HttpClient client;
    private final String base;
    private final String token;

    AdminHttp(Hub hub, Path home) throws Exception {
        this.client = HttpClient.newBuilder().sslContext(trustingHub(hub)).build();
        this.base = "https://localhost:" + hub.provisioning().adminPort();
        this.token = Files.readString(home.resolve("admin-token")).strip();
    }

    /** A client TLS context that trusts {@code hub}'s own CA and shows no certificate: an admin's browser. */
    static SSLContext trustingHub(Hub hub) throws Exception {
        return SipTestClient.context(PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null);
    }

    /** The status and body of a request with {@code token} (null for the operator's) and a JSON body or none. */
    HttpResponse<String> send(String method, String path, String json, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + (token == null ? this.token : token))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of {@code method} on {@code path} with the operator's token and a JSON body (or none when null). */
    int send(String method, String path, String json) throws Exception {
        return send(method, path, json, null).statusCode();
    }

    /** The body of a GET on {@code path} (such as {@code /admin/v1/calls}). */
    String get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
