package io.hub.app.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The softphone page at {@code /phone/}: static files from the jar (the page, its script and the
 * vendored SIP.js), served to anyone; the page holds no data, and registering takes the account's
 * SIP password. Paths are checked against one pattern (no {@code ..}, no hidden files) before the
 * class path is asked, and a file once read is kept. Only files that exist are kept: a name asked
 * for and not found is looked up again the next time, so that requests for made-up names cannot
 * grow the table; what is kept is at most the jar's own files.
 */
final class PhonePage extends Handler.Abstract {

    static final String PREFIX = "/phone/";
    private static final String ROOT = "phone/";
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "md", "text/plain; charset=utf-8");
    /** What the page may load: its own files only; media and the WebSocket to this origin. */
    private static final String POLICY = "default-src 'self'; connect-src 'self' wss:; media-src 'self' blob:; "
            + "frame-ancestors 'none'";

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        String file = path.equals(PREFIX) ? "index.html" : path.substring(PREFIX.length());
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        Optional<byte[]> content = type == null || !SAFE_PATH.matcher(file).matches() || file.contains("..")
                ? Optional.empty() : file(file);
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, 405);
            return true;
        }
        if (content.isEmpty()) {
            Response.writeError(request, response, callback, 404);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("Content-Security-Policy", POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.get().length);
        response.write(true, request.getMethod().equals("HEAD") ? ByteBuffer.allocate(0)
                : ByteBuffer.wrap(content.get()), callback);
        return true;
    }

    /** The file's bytes, kept once found. */
    private Optional<byte[]> file(String file) {
        byte[] kept = files.get(file);
        if (kept != null) {
            return Optional.of(kept);
        }
        Optional<byte[]> loaded = load(file);
        loaded.ifPresent(bytes -> files.putIfAbsent(file, bytes));
        return loaded;
    }

    /** How many files are kept. */
    int filesKept() {
        return files.size();
    }

    private static Optional<byte[]> load(String file) {
        try (InputStream in = PhonePage.class.getResourceAsStream(ROOT + file)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
