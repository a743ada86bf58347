package io.hub.provisioning.admin;

import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The console page at {@code /admin/}: static files from the classpath, loaded once. */
final class Console {

    private static final Map<String, String[]> FILES = Map.of(
            "/admin/", new String[] {"console.html", "text/html; charset=utf-8"},
            "/admin/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/admin/console.css", new String[] {"console.css", "text/css; charset=utf-8"});
    private static final Map<String, byte[]> CONTENT = load();

    private Console() {
    }

    static boolean serves(String path) {
        return FILES.containsKey(path);
    }

    static void serve(String path, Response response, Callback callback) {
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Cache-Control", "no-cache");
        Responses.send(response, callback, 200, FILES.get(path)[1], CONTENT.get(path));
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
