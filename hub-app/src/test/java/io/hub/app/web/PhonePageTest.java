package io.hub.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests for made-up names under {@code /phone/} are answered 404 and keep nothing. */
class PhonePageTest {

    private final PhonePage page = new PhonePage();
    private final HttpClient client = HttpClient.newHttpClient();
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(page);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void manyMissingNamesAreRefusedAndOnlyTheFilesFoundAreKept() throws Exception {
        assertEquals(200, get("/phone/"));
        assertEquals(200, get("/phone/vendor/sip.js-0.21.2/lib/index.js"));
        assertEquals(2, page.filesKept());

        for (int i = 0; i < 500; i++) {
            assertEquals(404, get("/phone/made-up-" + i + ".js"));
        }
        assertEquals(200, get("/phone/"), "a kept file is still served");
        assertEquals(2, page.filesKept(), "500 names asked for and not found kept nothing");
    }

    private int get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
