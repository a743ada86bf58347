package io.hub.provisioning.deviceapi;

import io.hub.provisioning.firmware.FirmwareImage;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves a firmware image from disk in 64 KiB pieces (never the whole file in memory), with its
 * length, a strong entity tag, the SHA-256 digest of the whole image ({@code Repr-Digest}, RFC 9530,
 * and {@code Digest}, RFC 3230), and one byte range on request (206, or 416 when unsatisfiable).
 * A request for several ranges gets the whole image, which RFC 9110 allows.
 */
final class FirmwareResponder {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    /** The size of each read from the image: several TLS records per write. */
    private static final int STREAM_BUFFER_BYTES = 128 * 1024;

    private FirmwareResponder() {
    }

    static void respond(Request request, Response response, Callback callback, FirmwareImage image) {
        long size = image.size();
        String etag = "\"" + image.sha256().substring(0, 32) + "\"";
        String digest = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(image.sha256()));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.ETAG, etag);
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put("Repr-Digest", "sha-256=:" + digest + ":");
        response.getHeaders().put("Digest", "SHA-256=" + digest);
        long start = 0;
        long end = size - 1;
        String range = request.getHeaders().get(HttpHeader.RANGE);
        String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            Matcher matcher = RANGE.matcher(range.strip());
            if (matcher.matches() && !(matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
                long[] bounds = bounds(matcher.group(1), matcher.group(2), size);
                if (bounds == null) {
                    response.setStatus(416);
                    response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
                    response.write(true, null, callback);
                    return;
                }
                start = bounds[0];
                end = bounds[1];
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
            } else {
                response.setStatus(200);
            }
        } else {
            response.setStatus(200);
        }
        long length = end - start + 1;
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
            return;
        }
        // Jetty reads the file into pooled buffers and writes each one asynchronously: no thread waits
        // on the network between reads, where a blocking stream of 64 KiB writes held one per download.
        ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), false,
                STREAM_BUFFER_BYTES);
        Content.copy(Content.Source.from(buffers, image.file(), start, length), response, callback);
    }

    /** {@code [start, end]} of a single range, or null when it cannot be satisfied. */
    private static long[] bounds(String first, String last, long size) {
        try {
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                return suffix == 0 || size == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            return start >= size || start > end ? null : new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
