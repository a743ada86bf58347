package io.hub.phone.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP response as a phone saw it.
 *
 * @param headers by lower-case name; repeated headers joined with ", "
 * @param body the body when it was kept, else empty
 * @param length the body's length in bytes, kept or not
 * @param sha256 the body's SHA-256 in hex when it was digested instead of kept, else null
 */
public record HttpAnswer(int status, Map<String, String> headers, byte[] body, long length, String sha256) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
