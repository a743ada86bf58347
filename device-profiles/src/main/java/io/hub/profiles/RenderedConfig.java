package io.hub.profiles;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A rendered configuration document (UTF-8 XML) and its strong entity tag, a digest of the bytes,
 * so an unchanged configuration always has the same tag and a phone's {@code If-None-Match} works
 * across restarts.
 */
public record RenderedConfig(byte[] document, String etag) {

    static RenderedConfig of(byte[] document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(document);
            return new RenderedConfig(document, "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest)
                    .substring(0, 32) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
