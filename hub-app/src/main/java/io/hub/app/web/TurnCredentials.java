package io.hub.app.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the REST-API form coturn checks with {@code use-auth-secret}
 * and {@code static-auth-secret}: the username is {@code EXPIRY:USER} (EXPIRY in Unix seconds) and the
 * password is base64(HMAC-SHA1(secret, username)). coturn recomputes the password from the username
 * and refuses it once EXPIRY has passed, so the hub and the TURN server share only the secret.
 */
public final class TurnCredentials {

    /** How long issued credentials stay good: a working day, as coturn's documentation suggests. */
    public static final Duration LIFETIME = Duration.ofHours(12);

    private final List<String> uris;
    private final byte[] secret;
    private final Clock clock;

    /**
     * @param uris the TURN servers' URIs as a browser takes them ({@code turn:HOST:3478?transport=udp} …)
     * @param secret coturn's {@code static-auth-secret}
     * @throws IllegalArgumentException when a URI is not {@code turn:} or {@code turns:}, or the secret is empty
     */
    public TurnCredentials(List<String> uris, String secret, Clock clock) {
        for (String uri : uris) {
            if (!uri.matches("turns?:[^\\s\"\\\\]+")) {
                throw new IllegalArgumentException("'" + uri + "' is not a turn: or turns: URI");
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the TURN secret is empty");
        }
        this.uris = List.copyOf(uris);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** One credential pair for {@code user}, good for {@link #LIFETIME} from now. */
    public Issued issue(String user) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        String username = expiry + ":" + user;
        return new Issued(uris, username, password(username), expiry);
    }

    /** The password coturn expects for {@code username}. */
    String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is part of every Java runtime", e);
        }
    }

    /** Credentials handed to one softphone: the browser's {@code RTCIceServer}. */
    public record Issued(List<String> urls, String username, String credential, long expiresAtEpochSecond) {
    }
}
