package io.hub.provisioning.admin;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console page at {@code /admin/}: static files from the classpath, loaded once, served without
 * a token (the page holds no data; everything it shows comes through the API with the token).
 */
final class Console extends Handler.Abstract {

    private static final Map<String, String[]> FILES = Map.of(
            "/admin/", new String[] {"console.html", "text/html; charset=utf-8"},
            "/admin/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/admin/console.css", new String[] {"console.css", "text/css; charset=utf-8"});
    private static final Map<String, byte[]> CONTENT = load();

    /** The paths the console's files are served at. */
    static Set<String> paths() {
        return FILES.keySet();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            throw new ProvisioningException(Refusal.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed here");
        }
        String path = PathParameters.path(request);
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Cache-Control", "no-cache");
        Responses.send(response, callback, 200, FILES.get(path)[1], CONTENT.get(path));
        return true;
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> content = new java.util.HashMap<>();
        FILES.forEach((path, file) -> {
            try (InputStream in = Console.class.getResourceAsStream(file[0])) {
                if (in == null) {
                    throw new IllegalStateException("the console file " + file[0] + " is missing from the jar");
                }
                content.put(path, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return Map.copyOf(content);
    }
}
