package io.hub.sip.registrar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP digest for SIP (RFC 3261 §22, RFC 8760 for SHA-256) with stateless nonces: a nonce is its
 * issue time, 8 random bytes, and an HMAC of both under a per-process key, so any nonce the hub did
 * not make is refused, and an old one is answered {@code stale=true}. The random bytes make two
 * challenges of the same millisecond differ: phones booting together would otherwise share a nonce,
 * and the second one's {@code nc=1} would look replayed. Each nonce's highest {@code nc} is kept
 * until it expires, so a replayed response is refused.
 */
public final class DigestAuthenticator {

    /** How long a nonce is good; a phone re-registering later gets stale=true and answers at once. */
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);

    /** The outcome of checking an Authorization header. */
    public enum Verdict { OK, MISSING, STALE, BAD_NONCE, REPLAYED, WRONG_USER, WRONG_PASSWORD, MALFORMED }

    private final byte[] key = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Seen> highestCount = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    public DigestAuthenticator(Clock clock) {
        this.clock = clock;
        random.nextBytes(key);
    }

    /**
     * WWW-Authenticate values to send: SHA-256 first (RFC 8760 §2.4), then MD5 for the many phones
     * that know nothing else; with {@code md5Only}, MD5 alone, for clients that give up on the whole
     * challenge when one of its headers names an algorithm they do not know (baresip's libre).
     */
    public List<String> challenges(String realm, boolean stale, boolean md5Only) {
        String nonce = nonce();
        String common = "realm=\"" + realm + "\", nonce=\"" + nonce + "\", qop=\"auth\""
                + (stale ? ", stale=true" : "");
        return md5Only ? List.of("Digest " + common + ", algorithm=MD5")
                : List.of("Digest " + common + ", algorithm=SHA-256", "Digest " + common + ", algorithm=MD5");
    }

    /**
     * Checks the parameters of an Authorization header against the account.
     *
     * @param method the request's method
     * @param credentials the account the To header names
     */
    public Verdict check(Map<String, String> authorization, String method, SipCredentials credentials) {
        if (authorization == null) {
            return Verdict.MISSING;
        }
        String username = authorization.get("username");
        String nonce = authorization.get("nonce");
        String uri = authorization.get("uri");
        String response = authorization.get("response");
        String algorithm = authorization.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
        if (username == null || nonce == null || uri == null || response == null
                || !List.of("MD5", "SHA-256").contains(algorithm)) {
            return Verdict.MALFORMED;
        }
        if (!username.equals(credentials.user())) {
            return Verdict.WRONG_USER;
        }
        Long issued = issuedAt(nonce);
        if (issued == null) {
            return Verdict.BAD_NONCE;
        }
        if (clock.millis() - issued > NONCE_LIFETIME.toMillis()) {
            return Verdict.STALE;
        }
        String qop = authorization.get("qop");
        String nc = authorization.get("nc");
        String cnonce = authorization.get("cnonce");
        String ha1 = algorithm.equals("MD5") ? credentials.ha1Md5() : credentials.ha1Sha256();
        String ha2 = hash(algorithm, method + ":" + uri);
        String expected;
        if (qop == null) {
            expected = hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
        } else {
            if (!"auth".equals(qop) || nc == null || cnonce == null || !isNonceCount(nc)) {
                return Verdict.MALFORMED;
            }
            expected = hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.WRONG_PASSWORD;
        }
        if (qop != null && !advance(nonce, issued, Long.parseLong(nc, 16))) {
            return Verdict.REPLAYED;
        }
        return Verdict.OK;
    }

    /** MD5 or SHA-256 of {@code text}, lower-case hex. */
    public static String hash(String algorithm, String text) {
        // One digest per thread and algorithm: looking one up in the providers cost more than hashing.
        MessageDigest digest = (algorithm.equals("MD5") ? MD5 : SHA256).get();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> digest("MD5"));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Eight hex digits, as RFC 7616 writes nc. */
    private static boolean isNonceCount(String nc) {
        if (nc.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (Character.digit(nc.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The HA1 of an account for both algorithms, as a credential source computes it. */
    public static SipCredentials credentials(String user, String realm, String password,
            java.util.Optional<io.hub.pki.MacAddress> device, boolean enabled) {
        String secret = user + ":" + realm + ":" + password;
        return new SipCredentials(user, realm, hash("MD5", secret), hash("SHA-256", secret), device, enabled);
    }

    /** Parses the parameters of a {@code Digest …} header value; null when it is not digest. */
    public static Map<String, String> parse(String header) {
        if (header == null || !header.regionMatches(true, 0, "Digest ", 0, 7)) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String rest = header.substring(7);
        int i = 0;
        while (i < rest.length()) {
            while (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == ',')) {
                i++;
            }
            int equals = rest.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = rest.substring(i, equals).strip().toLowerCase(Locale.ROOT);
            i = equals + 1;
            String value;
            if (i < rest.length() && rest.charAt(i) == '"') {
                int end = rest.indexOf('"', i + 1);
                if (end < 0) {
                    return null;
                }
                value = rest.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = rest.indexOf(',', i);
                end = end < 0 ? rest.length() : end;
                value = rest.substring(i, end).strip();
                i = end;
            }
            parameters.put(name, value);
        }
        return parameters;
    }

    private String nonce() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8 + 16);
        long now = clock.millis();
        long salt = random.nextLong();
        buffer.putLong(now).putLong(salt).put(mac(now, salt), 0, 16);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    private Long issuedAt(String nonce) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(nonce);
            if (bytes.length != 32) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long issued = buffer.getLong();
            long salt = buffer.getLong();
            byte[] tag = new byte[16];
            buffer.get(tag);
            byte[] expected = java.util.Arrays.copyOf(mac(issued, salt), 16);
            return MessageDigest.isEqual(tag, expected) ? issued : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean advance(String nonce, long issued, long count) {
        forgetExpired();
        // Atomic per nonce: two answers with the same nc on two flows at once must not both pass.
        boolean[] advanced = new boolean[1];
        highestCount.compute(nonce, (key, previous) -> {
            if (previous != null && count <= previous.highest()) {
                return previous;
            }
            advanced[0] = true;
            return new Seen(issued, count);
        });
        return advanced[0];
    }

    /**
     * Drops counts of expired nonces once there are many, at most once a second: a sweep on every
     * answer past that size made each REGISTER walk the whole map (REGISTERs per second fell from
     * hundreds to about a hundred once ten thousand nonces were in use).
     */
    private void forgetExpired() {
        long now = clock.millis();
        if (highestCount.size() > 10_000 && now - lastSweep >= 1_000) {
            lastSweep = now;
            long oldest = now - NONCE_LIFETIME.toMillis();
            highestCount.values().removeIf(seen -> seen.issued() < oldest);
        }
    }

    /** The highest nc seen for a nonce, with the nonce's issue time. */
    private record Seen(long issued, long highest) {
    }

    private byte[] mac(long issued, long salt) {
        return macs.get().doFinal(ByteBuffer.allocate(16).putLong(issued).putLong(salt).array());
    }

    /** One keyed HMAC per thread: a Mac is not thread-safe, and making one per nonce cost a provider lookup. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
}
