package io.hub.app.admin;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 POST of a file with {@code Expect: 100-continue}, over the hub's TLS: the body goes
 * only after the hub's {@code 100 Continue}, so a request the hub refuses from its headers (an
 * unknown model, a version already stored, a bad token) gets that answer back instead of a
 * connection closed under a half-sent body, which an HTTP client reports as the hub being
 * unreachable. The JDK's HttpClient cannot be used for this on Java 17: it waits forever when the
 * answer to {@code Expect} is not 100.
 */
final class ContinuedUpload {

    /** The hub's final answer. */
    record Answer(int status, byte[] body) {
    }

    /** Time allowed for any one read: the hub stores and hashes the image before it answers. */
    private static final int READ_TIMEOUT_MILLIS = 10 * 60 * 1000;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private ContinuedUpload() {
    }

    /**
     * Posts {@code size} bytes of {@code body} to {@code target}.
     *
     * @throws IOException when the hub cannot be reached or the exchange breaks before an answer
     */
    static Answer post(SSLContext context, URI target, String token, String contentType, long size, InputStream body)
            throws IOException {
        String host = target.getHost();
        int port = target.getPort() == -1 ? 443 : target.getPort();
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), 10_000);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + size
                    + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Head head = head(in);
            if (head.status == 100) {
                try {
                    body.transferTo(out);
                    out.flush();
                } catch (IOException cut) {
                    // The hub may answer and close mid-body (an image past the size limit): its answer says why.
                }
                do {
                    head = head(in);
                } while (head.status >= 100 && head.status < 200);
            }
            return new Answer(head.status, body(in, head.headers));
        }
    }

    private record Head(int status, Map<String, String> headers) {
    }

    private static Head head(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("the hub answered something that is not HTTP/1.1: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the hub's status line is malformed: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return new Head(status, headers);
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            long bytes = Long.parseLong(length);
            if (bytes > MAX_BODY_BYTES) {
                throw new IOException("the hub's answer is " + bytes + " bytes, more than an admin answer can be");
            }
            return in.readNBytes((int) bytes);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int chunk = Integer.parseInt(line(in).split(";")[0].strip(), 16); chunk > 0;
                    chunk = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                if (body.size() + chunk > MAX_BODY_BYTES) {
                    throw new IOException("the hub's answer is more than an admin answer can be");
                }
                body.write(in.readNBytes(chunk));
                line(in);
            }
            return body.toByteArray();
        }
        byte[] rest = in.readNBytes(MAX_BODY_BYTES);
        return rest;
    }

    /** One CRLF-ended line, without its end. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("the hub closed the connection without an answer");
            }
            if (line.size() > MAX_HEAD_BYTES) {
                throw new IOException("the hub's answer has a line longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
